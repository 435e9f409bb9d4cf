#include "engine/run/commandenvironment.h"

namespace vouch::engine {

QProcessEnvironment attemptEnvironment(const RunContext &context)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (auto it = context.env.cbegin(); it != context.env.cend(); ++it)
        env.insert(it.key(), it.value());
    return env;
}

QProcessEnvironment nodeEnvironment(QProcessEnvironment env, const Node &node,
                                    const RunContext &context)
{
    for (auto it = node.env.cbegin(); it != node.env.cend(); ++it)
        env.insert(it.key(), expandEnvironment(it.value(), context));
    env.insert(QStringLiteral("VOUCH_NODE"), node.id);
    env.insert(QStringLiteral("VOUCH_PERIOD"), context.period);
    env.insert(QStringLiteral("VOUCH_PERIOD_START"), context.periodStart.toString(Qt::ISODate));
    env.insert(QStringLiteral("VOUCH_PERIOD_END"),
               context.periodEndExclusive.toString(Qt::ISODate));
    return env;
}

} // namespace vouch::engine
