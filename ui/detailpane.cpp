#include "ui/detailpane.h"

#include "ui/model/runmodel.h"

#include "engine/run/cappedlog.h"
#include "engine/util/worker.h"

#include <QFile>
#include <QJsonArray>
#include <QTextBrowser>
#include <QTextDocument>
#include <QUrl>
#include <QVBoxLayout>

namespace vouch::ui {

using namespace vouch::engine;

namespace {

constexpr qint64 kLogTailBytes = 2048;
constexpr int kLogTailLines = 12;
constexpr int kSampleRows = 10;

QString esc(const QString &text)
{
    return text.toHtmlEscaped();
}

QString link(const QString &scheme, const QString &target, const QString &text)
{
    return QStringLiteral("<a href=\"%1:%2\">%3</a>")
        .arg(scheme, QString::fromLatin1(QUrl::toPercentEncoding(target)), esc(text));
}

QStringList strings(const QJsonValue &value)
{
    QStringList out;
    for (const QJsonValue &v : value.toArray())
        out << v.toString();
    return out;
}

QString namesOrNone(const QStringList &names)
{
    return names.isEmpty() ? DetailPane::tr("none") : esc(names.join(QStringLiteral(", ")));
}

// The last lines of a log's tail.
QString lastLines(const QByteArray &tail)
{
    QStringList lines = QString::fromUtf8(tail).split(QLatin1Char('\n'));
    while (!lines.isEmpty() && lines.last().trimmed().isEmpty())
        lines.removeLast();
    if (lines.size() > kLogTailLines)
        lines = lines.mid(lines.size() - kLogTailLines);
    return lines.join(QLatin1Char('\n'));
}

QString row(const QString &label, const QString &html)
{
    return QStringLiteral("<tr><td style=\"padding-right:12px\"><b>%1</b></td><td>%2</td></tr>")
        .arg(esc(label), html);
}

} // namespace

DetailPane::DetailPane(QWidget *parent)
    : QWidget(parent)
    , m_browser(new QTextBrowser(this))
{
    setObjectName(QStringLiteral("detailPane"));
    m_browser->setObjectName(QStringLiteral("detailText"));
    m_browser->setOpenLinks(false);
    m_browser->setOpenExternalLinks(false);
    m_browser->setLineWrapMode(QTextEdit::WidgetWidth);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_browser);
    connect(m_browser, &QTextBrowser::anchorClicked, this, &DetailPane::onAnchor);
    clear();
}

void DetailPane::setRunModel(const RunModel *model)
{
    m_model = model;
}

void DetailPane::clear()
{
    ++m_generation;
    m_step = {};
    m_browser->setHtml(QStringLiteral("<p style=\"color:gray\">%1</p>")
                           .arg(esc(tr("Select an alert or a section to see what it means and "
                                       "what to do next."))));
}

QString DetailPane::plainText() const
{
    return m_browser->toPlainText();
}

void DetailPane::showAlert(const AlertRecord &alert)
{
    const QJsonObject &d = alert.details;
    const QString root = d.value(QStringLiteral("node")).toString(alert.rootNode);
    QString html = QStringLiteral("<p><b>%1</b></p>").arg(esc(alert.headline));
    html += QStringLiteral("<table>");
    html += row(tr("Can publish"), namesOrNone(strings(d.value(QStringLiteral("can_publish")))));
    html += row(tr("Needs a caveat"), namesOrNone(strings(d.value(QStringLiteral("caveat")))));
    html += row(tr("Held"), namesOrNone(strings(d.value(QStringLiteral("held")))));
    html += row(tr("Blocked"), namesOrNone(strings(d.value(QStringLiteral("blocked")))));
    const QStringList owners = strings(d.value(QStringLiteral("owners")));
    html += row(tr("Owners"), namesOrNone(owners));
    if (!root.isEmpty()) {
        const QString cause = d.value(QStringLiteral("cause")).toString();
        html += row(tr("Root cause"),
                    link(QStringLiteral("node"), root, root) +
                        (cause.isEmpty() ? QString() : QStringLiteral(": ") + esc(cause)));
    }
    html += QStringLiteral("</table>");
    const QJsonArray fallbacks = d.value(QStringLiteral("fallbacks")).toArray();
    if (!fallbacks.isEmpty()) {
        html += QStringLiteral("<p><b>%1</b></p><ul>").arg(esc(tr("Fallbacks")));
        for (const QJsonValue &f : fallbacks) {
            const QJsonObject o = f.toObject();
            html += QStringLiteral("<li><b>%1</b>: %2</li>")
                        .arg(esc(o.value(QStringLiteral("section")).toString()),
                             esc(o.value(QStringLiteral("text")).toString()));
        }
        html += QStringLiteral("</ul>");
    }
    html += nextStepHtml(root, owners);
    present(html);
}

void DetailPane::showSection(const SectionVerdict &section)
{
    QString html = QStringLiteral("<p><b>%1</b>: %2</p>")
                       .arg(esc(section.name), esc(toString(section.status)));
    html += QStringLiteral("<table>");
    if (!section.owner.isEmpty())
        html += row(tr("Owner"), esc(section.owner));
    if (!section.caveat.isEmpty())
        html += row(tr("Caveat"), esc(section.caveat));
    if (!section.fallback.isEmpty())
        html += row(tr("Fallback"), esc(section.fallback));
    if (!section.decidedBy.isEmpty())
        html += row(tr("Decision"), esc(tr("%1: %2").arg(section.decidedBy, section.decision)));
    html += QStringLiteral("</table>");
    if (section.findings.isEmpty()) {
        html += QStringLiteral("<p>%1</p>").arg(esc(tr("Nothing it rests on has failed.")));
        m_step = {};
    } else {
        html += QStringLiteral("<p><b>%1</b></p><ul>").arg(esc(tr("Findings")));
        for (const Finding &f : section.findings)
            html += QStringLiteral("<li>%1: %2</li>")
                        .arg(link(QStringLiteral("node"), f.nodeId, f.nodeId), esc(f.cause));
        html += QStringLiteral("</ul>");
        html += nextStepHtml(section.findings.first().nodeId,
                             section.owner.isEmpty() ? QStringList() : QStringList{section.owner});
    }
    present(html);
}

void DetailPane::present(const QString &html)
{
    const quint64 generation = ++m_generation;
    m_browser->setHtml(html);
    if (!m_step.showLog)
        return;
    // The failed node's log tail is read on a worker, then added: a log on a
    // slow disk never holds up the GUI thread.
    const int index = m_model ? m_model->indexOf(m_step.rerunFrom) : -1;
    if (index < 0)
        return;
    const NodeView &view = m_model->node(index);
    Q_EMIT logTailLoading();
    runOnWorker(
        this, [path = view.logPath] { return CappedLog::readTail(path, kLogTailBytes); },
        [this, generation, html, message = view.message](const QByteArray &bytes) {
            if (generation != m_generation)
                return; // another alert or section is shown by now
            QString tail = lastLines(bytes);
            if (tail.isEmpty())
                tail = message;
            if (!tail.isEmpty())
                m_browser->setHtml(html + QStringLiteral("<pre>%1</pre>").arg(esc(tail)));
            Q_EMIT logTailShown();
        });
}

QString DetailPane::nextStepHtml(const QString &rootNode, const QStringList &owners)
{
    m_step = {};
    if (!m_model || !m_model->contract() || rootNode.isEmpty())
        return {};
    const int index = m_model->indexOf(rootNode);
    if (index < 0)
        return {};
    const NodeView &view = m_model->node(index);
    m_step = nextStepFor(*m_model->contract(), m_model->graph(), rootNode, view.state,
                         view.freshness, owners);
    if (m_step.kind == NextStep::Kind::None)
        return {};
    QString html =
        QStringLiteral("<p><b>%1</b> %2</p>").arg(esc(tr("Next step:")), esc(m_step.text));
    if (!m_step.rerunSelector.isEmpty())
        html += QStringLiteral("<p>%1</p>")
                    .arg(link(QStringLiteral("rerun"), m_step.rerunSelector,
                              tr("Rerun from %1…").arg(m_step.rerunFrom)));
    if (m_step.showSamples && view.sampleRows.size() > 1) {
        html += QStringLiteral("<table border=\"1\" cellspacing=\"0\" cellpadding=\"3\"><tr>");
        for (const QString &h : view.sampleRows.first())
            html += QStringLiteral("<th>%1</th>").arg(esc(h));
        html += QStringLiteral("</tr>");
        for (int r = 1; r < view.sampleRows.size() && r <= kSampleRows; ++r) {
            html += QStringLiteral("<tr>");
            for (const QString &cell : view.sampleRows.at(r))
                html += QStringLiteral("<td>%1</td>").arg(esc(cell));
            html += QStringLiteral("</tr>");
        }
        html += QStringLiteral("</table>");
    }
    return html; // and the log tail, if the step shows it, from show()
}

void DetailPane::onAnchor(const QUrl &url)
{
    const QString target = QUrl::fromPercentEncoding(url.path().toUtf8());
    if (url.scheme() == QLatin1String("node"))
        Q_EMIT revealNode(target);
    else if (url.scheme() == QLatin1String("rerun"))
        Q_EMIT rerunRequested(target);
}

} // namespace vouch::ui
