#pragma once

#include "ui/graph/statepalette.h"

#include <QCoreApplication>
#include <QGraphicsItem>
#include <QString>

#include <optional>

namespace vouch::engine {
struct Node;
} // namespace vouch::engine

namespace vouch::ui {

class RunModel;
struct GraphSceneState;
struct NodeView;

// A small coloured label in a node's second row: a freshness source's age, a
// check's value against its threshold.
struct NodeBadge
{
    QString text;
    StateKey key = StateKey::Pending;
};

// One node of the graph: a rounded box with the state's colour as tint and
// stripe, the state's glyph, the node id, kind and state, a badge and the
// attempt. Holds its node index and reads everything it draws from the model
// and the view's GraphSceneState when painted, so a state change is only an
// update().
class NodeItem : public QGraphicsItem
{
    Q_DECLARE_TR_FUNCTIONS(vouch::ui::NodeItem)

public:
    enum
    {
        Type = UserType + 701
    };

    NodeItem(const RunModel *model, int index, const GraphSceneState *state);

    // The on-screen pixel size the node's name is drawn at when the view's
    // scale is `lod` and a box is `box` in scene units; 0 when only the glyph
    // fits.
    static double coarseNamePixels(double lod, const QSizeF &box);

    // "1 node", "20 nodes".
    static QString nodeCount(int count);
    // "3d 2h", "5h 12m", "14m", "40s".
    static QString formatAge(qint64 seconds);
    // The freshness badge: age coloured against warn_after / error_after (or the
    // engine's verdict); while a late source is polled, in the waiting colour
    // (the age, or "waiting"); none before a measurement. `node` may be null (no contract).
    static std::optional<NodeBadge> freshnessBadge(const engine::Node *node, const NodeView &view);
    // The check badge: "14 > 0" when a threshold fires (the error threshold first),
    // "0, not > 0" when none does; none before a value.
    static std::optional<NodeBadge> checkBadge(const engine::Node *node, const NodeView &view);
    // Either of the above, by kind.
    static std::optional<NodeBadge> nodeBadge(const RunModel &model, int index);

    int index() const { return m_index; }
    int type() const override { return Type; }
    QRectF boundingRect() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option,
               QWidget *widget = nullptr) override;

private:
    const RunModel *m_model;
    int m_index;
    const GraphSceneState *m_state;
};

// A collapsed group: one stacked box with the group's worst state (colour and
// glyph), its name and how many nodes it holds. Holds its group index.
class GroupItem : public QGraphicsItem
{
public:
    enum
    {
        Type = UserType + 702
    };

    GroupItem(int group, const GraphSceneState *state);

    int group() const { return m_group; }
    int type() const override { return Type; }
    QRectF boundingRect() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option,
               QWidget *widget = nullptr) override;

private:
    int m_group;
    const GraphSceneState *m_state;
};

} // namespace vouch::ui
