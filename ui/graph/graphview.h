#pragma once

#include "ui/graph/graphscenestate.h"
#include "ui/graph/layeredlayout.h"
#include "ui/graph/statepalette.h"

#include <QGraphicsView>
#include <QHash>
#include <QList>
#include <QPointer>
#include <QSet>
#include <QString>
#include <QStringList>

#include <memory>

namespace vouch::ui {

class EdgeItem;
class GroupItem;
class Minimap;
class NodeItem;
class RunModel;
struct GraphProjection;

// The live graph of a reporting path. Shows the nodes of a RunModel laid out
// by layeredLayout() (computed on a worker thread; a superseded request's
// result is dropped), each coloured and marked with its state's glyph, and
// follows the model's nodesChanged by repainting only the nodes (and their
// outgoing edges) that changed: no re-layout, the view's transform and the
// selection stay.
//
// What is shown is a projection of the graph: a section filter keeps only the
// section's path (everything upstream of what it needs) and a collapsed group
// becomes one box with the group's worst state; both re-layout.
//
// Interaction: click selects (nodeSelected), double-click activates
// (nodeActivated; on a group box: expands it), right-click asks for a context
// menu; dragging pans, the wheel zooms around the cursor, hovering a node
// highlights its upstream and downstream and dims the rest. A minimap in the
// bottom-right corner shows the whole graph while the view shows a part.
//
// GUI thread only.
class GraphView : public QGraphicsView
{
    Q_OBJECT

public:
    explicit GraphView(QWidget *parent = nullptr);
    ~GraphView() override;

    // Lays out (async) now and on every model reset; follows nodesChanged
    // without re-layout. The model must outlive the view or be deleted first
    // (the view forgets a destroyed model).
    void setModel(RunModel *model);
    RunModel *model() const { return m_model; }

    // The selected node's id; empty when nothing (or a group box) is selected.
    QString selectedNode() const;
    // Selects and centres on the node (on its group box when collapsed); an
    // unknown or empty id clears the selection. Emits nodeSelected when the
    // selection changes.
    void selectNode(const QString &id);
    // Zooms to show the whole graph (never magnifies beyond 100%).
    void fitAll();

    // Highlights the nodes whose id contains `text` (case-insensitive), dims
    // the rest; empty clears. findNext() selects and centres on the next
    // match, in reading order (by layer, then top to bottom), cycling.
    void setSearchText(const QString &text);
    QString searchText() const { return m_search; }
    void findNext();
    int matchCount() const { return int(m_matches.size()); }
    // The match Enter last jumped to, from 1; 0 before the first jump.
    int currentMatch() const;

    // Empty: every node. Otherwise only the section's path (the nodes it
    // needs and everything upstream of them); re-layouts and fits.
    void setSectionFilter(const QString &sectionId);
    QString sectionFilter() const { return m_section; }

    // A collapsed group is drawn as one box with the group's worst state and
    // node count, in place of its nodes; re-layouts, keeps the zoom.
    void setGroupCollapsed(const QString &group, bool collapsed);
    bool isGroupCollapsed(const QString &group) const;
    QStringList groups() const;

    // The centre of the node's box (its group box when collapsed) in scene
    // coordinates; a null point when it is not shown or not laid out.
    QPointF nodeCenter(const QString &id) const;
    bool isLayoutReady() const { return m_layoutReady; }

    const StatePalette &statePalette() const { return m_state.palette; }
    // Node box size and gaps used for the layout (default: 268 x 60).
    void setLayoutOptions(const LayoutOptions &options);

    // Test hooks: what the view shows now, read back from the items.
    // "✖ failed": glyph and state name of the box that shows the node (its
    // group box's worst state when collapsed); empty when not shown.
    QString stateShown(const QString &id) const;
    // The group box's glyph and worst state; empty unless collapsed and shown.
    QString groupStateShown(const QString &group) const;
    bool isNodeVisible(const QString &id) const;
    bool isNodeDimmed(const QString &id) const;
    bool isNodeMatched(const QString &id) const;
    bool isGroupBoxVisible(const QString &group) const;
    // The edge from `from` to `to` (by node id) is drawn marked as carrying a failure.
    bool isEdgeMarked(const QString &from, const QString &to) const;
    // The tooltip text of the node, as shown on hover.
    QString toolTipFor(const QString &id) const;
    // The node (or empty) under a viewport position; hover behaves as if there.
    QString nodeAt(const QPoint &viewportPos) const;
    void hoverAt(const QPoint &viewportPos);

Q_SIGNALS:
    void nodeSelected(const QString &id);
    void nodeActivated(const QString &id);
    void nodeContextMenuRequested(const QString &id, const QPoint &globalPos);
    void layoutReady();
    // The Find field's "current of count" (current 0: no jump yet).
    void findStatusChanged(int current, int count);
    // A superseded layout arrived and was dropped (for tests, which wait on
    // this instead of a fixed time).
    void staleLayoutDropped();

protected:
    void wheelEvent(QWheelEvent *event) override;
    void paintEvent(QPaintEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void contextMenuEvent(QContextMenuEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void scrollContentsBy(int dx, int dy) override;
    bool viewportEvent(QEvent *event) override;
    void changeEvent(QEvent *event) override;
    void drawBackground(QPainter *painter, const QRectF &rect) override;

private:
    void clearScene();
    void requestLayout(bool fit);
    void applyLayout(quint64 generation, const std::shared_ptr<const GraphProjection> &result);
    void onNodesChanged(const QList<int> &rows);

    // Element references: see GraphSceneState.
    int refAt(const QPoint &viewportPos) const;
    int displayRef(int node) const; // the element showing the node, or kNone
    QGraphicsItem *itemFor(int ref) const;
    QString idOf(int ref) const;
    void setSelectedRef(int ref, bool centre);
    // The node an arrow key moves the selection to (Right: downstream, Left:
    // upstream, Up/Down: the same column), or kNone.
    int neighbourRef(int key) const;
    // Hover follows the mouse again after a menu or dialog (none if it is
    // outside the view or the window is not active).
    void hoverUnderCursor();
    void setHoverRef(int ref);
    void recomputeMatches();
    void recomputeEmphasis();
    void updateAllItems();
    void updateElement(int ref);
    void updateItemCaching();
    void zoomBy(double factor, const QPoint &anchor);
    QString describe(int ref) const;

    QGraphicsScene *m_scene;
    QPointer<RunModel> m_model;
    QList<QMetaObject::Connection> m_modelConnections;
    GraphSceneState m_state;
    LayoutOptions m_options;

    QList<NodeItem *> m_nodeItems;   // by node index
    QList<GroupItem *> m_groupItems; // by group index; null unless collapsed and shown
    QList<EdgeItem *> m_edgeItems;
    QHash<int, QList<EdgeItem *>> m_edgesFrom; // by element reference of the upstream end
    bool m_edgesFar = false; // zoomed so far out that only failing edges are shown
    std::shared_ptr<const GraphProjection> m_projection;

    QSet<QString> m_collapsed;
    QString m_section;
    QString m_search;
    QList<int> m_matches; // node indices, in reading order
    int m_matchCursor = -1;
    int m_hover = GraphSceneState::kNone;

    quint64 m_generation = 0;
    bool m_layoutReady = false;
    bool m_fitOnLayout = true;
    QTransform m_fitTransform;
    QPointF m_fitCentre;
    bool m_itemsCached = true;
    bool m_autoFit = false;                           // fitted, and not zoomed or panned since
    int m_centreAfterLayout = GraphSceneState::kNone; // node index or group reference
    QPoint m_pressPos;
    Minimap *m_minimap;
};

} // namespace vouch::ui
