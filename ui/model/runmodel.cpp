#include "ui/model/runmodel.h"

#include <QSet>

namespace vouch::ui {

using namespace vouch::engine;

RunModel::RunModel(QObject *parent)
    : QAbstractTableModel(parent)
{
    m_coalesce.setSingleShot(true);
    m_coalesce.setInterval(16);
    connect(&m_coalesce, &QTimer::timeout, this, &RunModel::flushPending);
}

void RunModel::setContract(ContractPtr contract)
{
    beginResetModel();
    m_contract = std::move(contract);
    m_graph = m_contract ? Graph::fromContract(*m_contract) : Graph();
    m_nodes.clear();
    m_pending.clear();
    if (m_contract) {
        for (const Node &n : m_contract->nodes) {
            NodeView v;
            v.id = n.id;
            v.kind = n.kind;
            v.group = n.group;
            v.owner = n.owner;
            m_nodes.append(v);
        }
    }
    endResetModel();
}

int RunModel::finishedCount() const
{
    int done = 0;
    for (const NodeView &n : m_nodes)
        done += isTerminal(n.state) ? 1 : 0;
    return done;
}

void RunModel::load(const QList<NodeRunRecord> &records)
{
    QList<int> rows;
    for (const NodeRunRecord &r : records) {
        const int index = indexOf(r.nodeId);
        if (index < 0)
            continue;
        NodeView &v = m_nodes[index];
        copyFindings(v, r);
        v.waiting = r.state == NodeState::Running && r.waiting.has_value();
        v.attempt = r.attempt;
        v.tries = r.tries;
        v.logPath = r.logPath;
        v.startedAt = r.startedAt;
        v.finishedAt = r.finishedAt;
        rows << index;
    }
    if (!rows.isEmpty()) {
        Q_EMIT dataChanged(this->index(0, 0),
                           this->index(int(m_nodes.size()) - 1, ColumnCount - 1));
        Q_EMIT nodesChanged(rows);
    }
}

void RunModel::apply(const QList<Transition> &transitions)
{
    m_pending += transitions;
    if (!m_coalesce.isActive())
        m_coalesce.start();
}

void RunModel::clearStates()
{
    QList<int> rows;
    for (int i = 0; i < m_nodes.size(); ++i) {
        NodeView &v = m_nodes[i];
        NodeView fresh;
        fresh.id = v.id;
        fresh.kind = v.kind;
        fresh.group = v.group;
        fresh.owner = v.owner;
        v = fresh;
        rows << i;
    }
    if (!rows.isEmpty()) {
        Q_EMIT dataChanged(index(0, 0), index(int(m_nodes.size()) - 1, ColumnCount - 1));
        Q_EMIT nodesChanged(rows);
    }
}

void RunModel::flushPending()
{
    if (m_pending.isEmpty())
        return;
    QSet<int> touched;
    for (const Transition &t : std::exchange(m_pending, {})) {
        const int i = indexOf(t.nodeId);
        if (i < 0)
            continue;
        NodeView &v = m_nodes[i];
        if (t.attempt != v.attempt) {
            // A new attempt starts this node afresh.
            v.value.reset();
            v.reference.reset();
            v.sampleRows.clear();
            v.startedAt = QDateTime();
            v.finishedAt = QDateTime();
            v.attempt = t.attempt;
        }
        v.state = t.state;
        v.tries = std::max(v.tries, t.tries);
        v.waiting = t.state == NodeState::Running && t.waiting.has_value();
        if (t.freshness != Freshness::Unknown)
            v.freshness = t.freshness;
        if (!t.message.isEmpty())
            v.message = t.message;
        if (t.value)
            v.value = t.value;
        if (t.reference)
            v.reference = t.reference;
        if (t.ageSeconds)
            v.ageSeconds = t.ageSeconds;
        if (t.observedAt.isValid())
            v.observedAt = t.observedAt;
        if (!t.sampleRows.isEmpty())
            v.sampleRows = t.sampleRows;
        if (!t.logPath.isEmpty())
            v.logPath = t.logPath;
        if (t.state == NodeState::Running && !v.startedAt.isValid())
            v.startedAt = t.at;
        if (isTerminal(t.state))
            v.finishedAt = t.at;
        touched.insert(i);
    }
    QList<int> rows(touched.cbegin(), touched.cend());
    std::sort(rows.begin(), rows.end());
    if (rows.isEmpty())
        return;
    Q_EMIT dataChanged(index(rows.first(), 0), index(rows.last(), ColumnCount - 1));
    Q_EMIT nodesChanged(rows);
}

int RunModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_nodes.size());
}

int RunModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RunModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const NodeView &v = m_nodes.at(index.row());
    if (role == StateRole)
        return int(v.state);
    if (role == NodeIdRole)
        return v.id;
    if (role == GroupRole)
        return v.group;
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case IdColumn:
        return v.id;
    case KindColumn:
        return toString(v.kind);
    case StateColumn:
        return v.waiting ? tr("waiting") : toString(v.state);
    case AttemptColumn:
        return v.attempt;
    case MessageColumn:
        return v.message;
    default:
        return {};
    }
}

QVariant RunModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case IdColumn:
        return tr("Node");
    case KindColumn:
        return tr("Kind");
    case StateColumn:
        return tr("State");
    case AttemptColumn:
        return tr("Attempt");
    case MessageColumn:
        return tr("Message");
    default:
        return {};
    }
}

} // namespace vouch::ui
