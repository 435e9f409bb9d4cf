#pragma once

#include "engine/contract/contract.h"
#include "engine/graph/graph.h"
#include "engine/graph/nodestate.h"
#include "engine/store/statestore.h"

#include <QAbstractTableModel>
#include <QDateTime>
#include <QHash>
#include <QList>
#include <QTimer>

#include <optional>

namespace vouch::ui {

// What the dashboard shows about one node of the current run.
struct NodeView
{
    QString id;
    engine::NodeKind kind = engine::NodeKind::Noop;
    QString group;
    QString owner;
    engine::NodeState state = engine::NodeState::Pending;
    engine::Freshness freshness = engine::Freshness::Unknown;
    bool waiting = false; // a late source being polled
    int attempt = 0;
    int tries = 0;
    std::optional<double> value;
    std::optional<double> reference;
    std::optional<qint64> ageSeconds;
    QDateTime observedAt;
    QList<QStringList> sampleRows;
    QString message;
    QString logPath;
    QDateTime startedAt;
    QDateTime finishedAt;
};

// The nodes of one contract and their live state, one row per node in the
// contract's order (the graph's index). Lives on the GUI thread; transitions
// arrive in batches from the scheduler thread (queued) and are coalesced into
// at most one update per frame (16 ms), so a fast run never floods the view.
// Emits nodesChanged with the rows that changed; never resets on updates.
class RunModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column
    {
        IdColumn,
        KindColumn,
        StateColumn,
        AttemptColumn,
        MessageColumn,
        ColumnCount
    };
    enum Role
    {
        StateRole = Qt::UserRole + 1,
        NodeIdRole,
        GroupRole
    };

    explicit RunModel(QObject *parent = nullptr);

    // A new contract: resets the model (the only reset).
    void setContract(engine::ContractPtr contract);
    engine::ContractPtr contract() const { return m_contract; }
    const engine::Graph &graph() const { return m_graph; }

    int indexOf(const QString &id) const { return m_graph.indexOf(id); }
    const NodeView &node(int index) const { return m_nodes.at(index); }
    int nodeCount() const { return int(m_nodes.size()); }

    // Counts for the status bar.
    int finishedCount() const;

    // The latest state of every node, from the store (after opening a run).
    void load(const QList<engine::NodeRunRecord> &records);
    // Live transitions, coalesced.
    void apply(const QList<engine::Transition> &transitions);
    // Everything back to pending (a new run is about to start).
    void clearStates();

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    void nodesChanged(const QList<int> &rows);

private:
    void flushPending();

    engine::ContractPtr m_contract;
    engine::Graph m_graph;
    QList<NodeView> m_nodes;
    QList<engine::Transition> m_pending;
    QTimer m_coalesce;
};

} // namespace vouch::ui
