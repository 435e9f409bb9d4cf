#include "ui/graph/graphview.h"

#include "engine/graph/graph.h"
#include "engine/util/worker.h"
#include "ui/graph/edgeitem.h"
#include "ui/graph/minimap.h"
#include "ui/graph/nodeitem.h"
#include "ui/model/runmodel.h"

#include <QGraphicsScene>
#include <QPainter>
#include <QScopeGuard>
#include <QScrollBar>

#include <algorithm>
#include <cmath>
#include <optional>

namespace vouch::ui {

using engine::Graph;
using engine::NodeState;

// What one layout request produced: the projected graph (section filter and
// collapsed groups applied), how its nodes map to the model's, and its layout.
// Built on a worker thread from value copies, then only read.
struct GraphProjection
{
    Graph graph;           // what was laid out
    QList<int> refs;       // by projected index: element reference
    QList<int> displayRef; // by model node index: the element showing it, or kNone
    QList<bool> shown;     // by model node index: on the (filtered) path
    Layout layout;
};

namespace {

constexpr int kNone = GraphSceneState::kNone;
constexpr double kSceneMargin = 40;

std::shared_ptr<GraphProjection> project(const Graph &graph, const QString &section,
                                         const QSet<QString> &collapsed)
{
    auto result = std::make_shared<GraphProjection>();
    const int n = graph.size();
    result->shown = QList<bool>(n, section.isEmpty() || !graph.hasSection(section));
    if (!section.isEmpty() && graph.hasSection(section)) {
        for (int i : graph.sectionRestsOn(section))
            result->shown[i] = true;
    }
    QHash<QString, int> groupIndex;
    for (int g = 0; g < graph.groupNames().size(); ++g)
        groupIndex.insert(graph.groupNames().at(g), g);

    result->displayRef = QList<int>(n, kNone);
    QHash<int, int> projected; // element reference -> projected index
    QList<Graph::NodeSpec> specs;
    for (int i = 0; i < n; ++i) {
        if (!result->shown.at(i))
            continue;
        const QString &group = graph.group(i);
        const int ref = !group.isEmpty() && collapsed.contains(group)
                            ? GraphSceneState::groupRef(groupIndex.value(group))
                            : i;
        result->displayRef[i] = ref;
        if (!projected.contains(ref)) {
            projected.insert(ref, int(specs.size()));
            Graph::NodeSpec spec;
            // Ids only need to be unique: node ids may repeat in a bad contract.
            spec.id = ref >= 0 ? QStringLiteral("n%1").arg(ref)
                               : QStringLiteral("g%1").arg(GraphSceneState::groupOfRef(ref));
            specs.append(spec);
            result->refs.append(ref);
        }
    }
    for (int i = 0; i < n; ++i) {
        if (!result->shown.at(i))
            continue;
        const int to = result->displayRef.at(i);
        for (int need : graph.needs(i)) {
            const int from = result->displayRef.at(need);
            if (from == kNone || from == to)
                continue;
            specs[projected.value(to)].needs.append(specs.at(projected.value(from)).id);
        }
    }
    for (Graph::NodeSpec &spec : specs)
        spec.needs.removeDuplicates();
    result->graph = Graph::fromSpecs(specs);
    return result;
}

QColor canvasColour(const StatePalette &palette)
{
    return palette.isDark() ? QColor(0x1f, 0x22, 0x25) : QColor(0xf5, 0xf6, 0xf8);
}

} // namespace

GraphView::GraphView(QWidget *parent)
    : QGraphicsView(parent)
    , m_scene(new QGraphicsScene(this))
    , m_minimap(nullptr)
{
    m_options.nodeSize = QSizeF(268, 60);
    m_options.layerGap = 72;
    m_options.nodeGap = 22;
    m_state.palette = StatePalette::forPalette(palette());
    m_state.nodeSize = m_options.nodeSize;
    m_state.updateGeometry();

    // Items never move between layouts: a BSP index makes hit tests and the
    // exposed-rect lookup of a zoomed-in 10,000-node view cheap.
    m_scene->setItemIndexMethod(QGraphicsScene::BspTreeIndex);
    setScene(m_scene);
    setAccessibleName(tr("Reporting path graph"));
    setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
    setDragMode(ScrollHandDrag);
    // Smart updates compare every dirty rectangle with every other one, which
    // is quadratic when a run changes thousands of nodes in one frame; one
    // bounding rectangle per frame is linear and repaints what is on screen.
    setViewportUpdateMode(BoundingRectViewportUpdate);
    setOptimizationFlag(DontAdjustForAntialiasing, true); // bounding rects have margins
    // No save()/restore() around each item's paint: every paint() here sets
    // the pen, brush and font it draws with, and the scene sets each item's
    // transform and opacity itself. On the fitted 10,000-node view the saved
    // states were a quarter of the frame's CPU time (docs/performance.md).
    setOptimizationFlag(DontSavePainterState, true);
    setTransformationAnchor(NoAnchor); // zoomBy() anchors at the cursor itself
    setResizeAnchor(AnchorViewCenter);
    setFocusPolicy(Qt::StrongFocus);
    setFrameShape(QFrame::NoFrame);
    viewport()->setMouseTracking(true);
    setBackgroundBrush(canvasColour(m_state.palette));

    m_minimap = new Minimap(this);
    for (QScrollBar *bar : {horizontalScrollBar(), verticalScrollBar()})
        connect(bar, &QScrollBar::rangeChanged, m_minimap, &Minimap::reposition);
}

GraphView::~GraphView()
{
    // Results still on their way find a null QPointer and are dropped.
    for (const QMetaObject::Connection &c : std::as_const(m_modelConnections))
        disconnect(c);
}

void GraphView::setModel(RunModel *model)
{
    for (const QMetaObject::Connection &c : std::as_const(m_modelConnections))
        disconnect(c);
    m_modelConnections.clear();
    clearScene();
    m_model = model;
    m_state.model = model;
    if (!model) {
        viewport()->update();
        return;
    }
    m_modelConnections << connect(model, &QAbstractItemModel::modelAboutToBeReset, this,
                                  [this] { clearScene(); });
    m_modelConnections << connect(model, &QAbstractItemModel::modelReset, this,
                                  [this] { requestLayout(true); });
    m_modelConnections << connect(model, &RunModel::nodesChanged, this, &GraphView::onNodesChanged);
    m_modelConnections << connect(model, &QObject::destroyed, this, [this] {
        clearScene();
        m_state.model = nullptr;
        viewport()->update();
    });
    requestLayout(true);
}

QString GraphView::selectedNode() const
{
    return idOf(m_state.selected);
}

void GraphView::selectNode(const QString &id)
{
    const int index = m_model && !id.isEmpty() ? m_model->indexOf(id) : -1;
    setSelectedRef(index >= 0 ? index : kNone, true);
}

void GraphView::fitAll()
{
    const QRectF scene = sceneRect();
    const QRectF area = QRectF(viewport()->rect()).adjusted(8, 8, -8, -8);
    if (scene.isEmpty() || area.isEmpty())
        return;
    const double scale =
        std::min({area.width() / scene.width(), area.height() / scene.height(), 1.0});
    setTransform(QTransform::fromScale(scale, scale));
    centerOn(scene.center());
    m_fitTransform = transform();
    m_fitCentre = mapToScene(viewport()->rect().center());
    m_minimap->reposition();
}

void GraphView::setSearchText(const QString &text)
{
    const QString search = text.trimmed();
    if (search == m_search)
        return;
    m_search = search;
    recomputeMatches();
    recomputeEmphasis();
}

void GraphView::findNext()
{
    if (m_matches.isEmpty())
        return;
    m_matchCursor = (m_matchCursor + 1) % int(m_matches.size());
    setSelectedRef(m_matches.at(m_matchCursor), true);
    Q_EMIT findStatusChanged(m_matchCursor + 1, matchCount());
}

int GraphView::currentMatch() const
{
    return m_matchCursor + 1;
}

void GraphView::setSectionFilter(const QString &sectionId)
{
    if (sectionId == m_section)
        return;
    m_section = sectionId;
    requestLayout(true);
}

void GraphView::setGroupCollapsed(const QString &group, bool collapsed)
{
    if (!groups().contains(group) || collapsed == m_collapsed.contains(group))
        return;
    if (collapsed)
        m_collapsed.insert(group);
    else
        m_collapsed.remove(group);
    // Keep the group in sight: its box, or its first node when expanded.
    const Graph &graph = m_model->graph();
    m_centreAfterLayout = GraphSceneState::groupRef(int(graph.groupNames().indexOf(group)));
    if (!collapsed) {
        m_centreAfterLayout = kNone;
        for (int i : graph.nodesInGroup(group)) {
            if (m_state.shown.value(i)) {
                m_centreAfterLayout = i;
                break;
            }
        }
    }
    requestLayout(false);
}

bool GraphView::isGroupCollapsed(const QString &group) const
{
    return m_collapsed.contains(group);
}

QStringList GraphView::groups() const
{
    return m_model ? m_model->graph().groupNames() : QStringList();
}

QPointF GraphView::nodeCenter(const QString &id) const
{
    const int index = m_model ? m_model->indexOf(id) : -1;
    const QGraphicsItem *item = index >= 0 ? itemFor(displayRef(index)) : nullptr;
    if (!item)
        return {};
    return item->pos() + QPointF(m_state.nodeSize.width() / 2, m_state.nodeSize.height() / 2);
}

void GraphView::setLayoutOptions(const LayoutOptions &options)
{
    m_options = options;
    m_state.nodeSize = options.nodeSize;
    m_state.updateGeometry();
    if (m_model)
        requestLayout(true);
}

// --- test hooks --------------------------------------------------------------

QString GraphView::stateShown(const QString &id) const
{
    const int index = m_model ? m_model->indexOf(id) : -1;
    const int ref = index >= 0 ? displayRef(index) : kNone;
    if (!itemFor(ref))
        return {};
    const StateStyle &style = m_state.palette.style(m_state.key(ref));
    return style.glyph + QLatin1Char(' ') + style.name;
}

QString GraphView::groupStateShown(const QString &group) const
{
    const int g = int(groups().indexOf(group));
    const int ref = g >= 0 ? GraphSceneState::groupRef(g) : kNone;
    if (!itemFor(ref))
        return {};
    const StateStyle &style = m_state.palette.style(m_state.key(ref));
    return style.glyph + QLatin1Char(' ') + style.name;
}

bool GraphView::isNodeVisible(const QString &id) const
{
    const int index = m_model ? m_model->indexOf(id) : -1;
    const QGraphicsItem *item = index >= 0 ? m_nodeItems.value(index) : nullptr;
    return item && item->isVisible();
}

bool GraphView::isNodeDimmed(const QString &id) const
{
    const int index = m_model ? m_model->indexOf(id) : -1;
    return index >= 0 && (m_state.flags(displayRef(index)) & GraphSceneState::Dimmed);
}

bool GraphView::isNodeMatched(const QString &id) const
{
    const int index = m_model ? m_model->indexOf(id) : -1;
    return index >= 0 && (m_state.nodeFlags.value(index) & GraphSceneState::Matched);
}

bool GraphView::isGroupBoxVisible(const QString &group) const
{
    const int g = int(groups().indexOf(group));
    return g >= 0 && itemFor(GraphSceneState::groupRef(g)) != nullptr;
}

bool GraphView::isEdgeMarked(const QString &from, const QString &to) const
{
    if (!m_model)
        return false;
    const int a = m_model->indexOf(from);
    const int b = m_model->indexOf(to);
    if (a < 0 || b < 0)
        return false;
    const int toRef = displayRef(b);
    for (const EdgeItem *edge : m_edgesFrom.value(displayRef(a))) {
        if (edge->toRef() == toRef)
            return edge->isMarked();
    }
    return false;
}

QString GraphView::toolTipFor(const QString &id) const
{
    const int index = m_model ? m_model->indexOf(id) : -1;
    return index >= 0 ? describe(index) : QString();
}

QString GraphView::nodeAt(const QPoint &viewportPos) const
{
    return idOf(refAt(viewportPos));
}

void GraphView::hoverAt(const QPoint &viewportPos)
{
    setHoverRef(refAt(viewportPos));
}

// --- layout --------------------------------------------------------------------

void GraphView::clearScene()
{
    ++m_generation; // drops results on their way
    m_scene->clear();
    m_nodeItems.clear();
    m_groupItems.clear();
    m_edgeItems.clear();
    m_edgesFrom.clear();
    m_state.displayRef.clear();
    m_projection.reset();
    m_state.shown.clear();
    m_state.nodeFlags.clear();
    m_state.groupFlags.clear();
    m_hover = kNone;
    m_matches.clear();
    m_matchCursor = -1;
    m_centreAfterLayout = kNone;
    m_layoutReady = false;
    m_scene->setSceneRect(QRectF());
    m_minimap->hide();
    const bool hadSelection = m_state.selected >= 0;
    m_state.selected = kNone;
    if (hadSelection)
        Q_EMIT nodeSelected(QString());
}

void GraphView::requestLayout(bool fit)
{
    if (!m_model)
        return;
    m_fitOnLayout = m_fitOnLayout || fit;
    m_layoutReady = false;
    const quint64 generation = ++m_generation;
    const Graph graph = m_model->graph(); // an immutable, implicitly shared value
    const QString section = m_section;
    const QSet<QString> collapsed = m_collapsed;
    const LayoutOptions options = m_options;
    engine::runOnWorker(
        this,
        [graph, section, collapsed, options] {
            std::shared_ptr<GraphProjection> result = project(graph, section, collapsed);
            result->layout = layeredLayout(result->graph, options);
            return std::shared_ptr<const GraphProjection>(std::move(result));
        },
        [this, generation](const std::shared_ptr<const GraphProjection> &done) {
            applyLayout(generation, done);
        });
    viewport()->update();
}

void GraphView::applyLayout(quint64 generation,
                            const std::shared_ptr<const GraphProjection> &result)
{
    if (generation != m_generation || !m_model ||
        result->displayRef.size() != m_model->nodeCount()) {
        Q_EMIT staleLayoutDropped(); // superseded
        return;
    }
    const Graph &graph = m_model->graph();
    m_scene->clear();
    m_edgeItems.clear();
    m_edgesFrom.clear();
    m_projection = result;
    m_state.displayRef = result->displayRef;
    m_state.shown = result->shown;
    m_state.nodeFlags = QList<quint8>(m_model->nodeCount(), 0);
    m_state.groupFlags = QList<quint8>(graph.groupNames().size(), 0);
    m_nodeItems = QList<NodeItem *>(m_model->nodeCount(), nullptr);
    m_groupItems = QList<GroupItem *>(graph.groupNames().size(), nullptr);
    m_hover = kNone;

    const Layout &layout = result->layout;
    // Qt's default BSP depth grows with log2 of the item count (15 for the
    // 25,000 nodes and edges of a 10,000-node path), which cuts the scene
    // into so many leaves that one edge sits in dozens of them, and every
    // paint of the fitted view visits each copy. Half that depth took a
    // third off the fitted repaint's CPU time (docs/performance.md).
    m_scene->setBspTreeDepth(
        std::clamp(int(std::log2(std::max<qsizetype>(2, result->refs.size()))) / 2 + 1, 3, 10));
    for (int p = 0; p < result->refs.size(); ++p) {
        const int ref = result->refs.at(p);
        QGraphicsItem *item = nullptr;
        if (ref >= 0) {
            auto *node = new NodeItem(m_model, ref, &m_state);
            m_nodeItems[ref] = node;
            item = node;
        } else {
            auto *group = new GroupItem(GraphSceneState::groupOfRef(ref), &m_state);
            m_groupItems[GraphSceneState::groupOfRef(ref)] = group;
            item = group;
        }
        item->setPos(layout.positions.value(p));
        m_scene->addItem(item);
    }
    for (const EdgeRoute &route : layout.edges) {
        const int from = result->refs.value(route.from, kNone);
        const int to = result->refs.value(route.to, kNone);
        auto *edge = new EdgeItem(route.points, from, to, route.reversed, &m_state);
        m_scene->addItem(edge);
        m_edgeItems.append(edge);
        m_edgesFrom[from].append(edge);
    }
    m_scene->setSceneRect(
        layout.bounds.isNull()
            ? QRectF(0, 0, 1, 1)
            : layout.bounds.adjusted(-kSceneMargin, -kSceneMargin, kSceneMargin, kSceneMargin));

    recomputeMatches();
    recomputeEmphasis();
    if (m_fitOnLayout) {
        m_fitOnLayout = false;
        m_autoFit = true;
        fitAll();
    }
    if (m_centreAfterLayout != kNone) {
        const int ref =
            m_centreAfterLayout >= 0 ? displayRef(m_centreAfterLayout) : m_centreAfterLayout;
        if (const QGraphicsItem *item = itemFor(ref))
            centerOn(item->sceneBoundingRect().center());
        m_centreAfterLayout = kNone;
    }
    m_layoutReady = true;
    m_minimap->reposition();
    m_minimap->invalidate();
    viewport()->update();
    Q_EMIT layoutReady();
}

void GraphView::onNodesChanged(const QList<int> &rows)
{
    if (!m_projection)
        return;
    QSet<int> refs;
    for (int row : rows) {
        const int ref = displayRef(row);
        if (ref != kNone)
            refs.insert(ref);
    }
    for (int ref : std::as_const(refs))
        updateElement(ref);
    m_minimap->invalidate();
}

// --- elements ------------------------------------------------------------------

int GraphView::refAt(const QPoint &viewportPos) const
{
    for (const QGraphicsItem *item : items(viewportPos)) {
        if (item->type() == NodeItem::Type)
            return static_cast<const NodeItem *>(item)->index();
        if (item->type() == GroupItem::Type)
            return GraphSceneState::groupRef(static_cast<const GroupItem *>(item)->group());
    }
    return kNone;
}

int GraphView::displayRef(int node) const
{
    return m_state.displayRef.value(node, kNone);
}

QGraphicsItem *GraphView::itemFor(int ref) const
{
    if (ref >= 0)
        return m_nodeItems.value(ref);
    if (GraphSceneState::isGroupRef(ref))
        return m_groupItems.value(GraphSceneState::groupOfRef(ref));
    return nullptr;
}

QString GraphView::idOf(int ref) const
{
    if (ref < 0 || !m_model || ref >= m_model->nodeCount())
        return {};
    return m_model->node(ref).id;
}

void GraphView::setSelectedRef(int ref, bool centre)
{
    const int old = m_state.selected;
    if (ref != old) {
        m_state.selected = ref;
        if (old != kNone)
            updateElement(old >= 0 ? displayRef(old) : old);
        if (ref != kNone)
            updateElement(ref >= 0 ? displayRef(ref) : ref);
    }
    if (centre && ref != kNone) {
        if (!m_layoutReady) {
            m_centreAfterLayout = ref;
        } else if (const QGraphicsItem *item = itemFor(ref >= 0 ? displayRef(ref) : ref)) {
            m_autoFit = false;
            centerOn(item->sceneBoundingRect().center());
        }
    }
    if (ref != old && idOf(ref) != idOf(old))
        Q_EMIT nodeSelected(idOf(ref));
}

void GraphView::setHoverRef(int ref)
{
    if (ref == m_hover)
        return;
    m_hover = ref;
    recomputeEmphasis();
}

void GraphView::recomputeMatches()
{
    m_matches.clear();
    m_matchCursor = -1;
    // Announced on every way out, so the Find field's "n of m" never lags.
    const auto announce = qScopeGuard([this] { Q_EMIT findStatusChanged(0, matchCount()); });
    if (m_search.isEmpty() || !m_model || !m_projection)
        return;
    for (int i = 0; i < m_model->nodeCount(); ++i) {
        if (m_state.shown.value(i) && m_model->node(i).id.contains(m_search, Qt::CaseInsensitive))
            m_matches.append(i);
    }
    // Reading order: along the flow (layer), then across it.
    auto place = [this](int node) {
        const QGraphicsItem *item = itemFor(displayRef(node));
        return item ? item->pos() : QPointF();
    };
    std::stable_sort(m_matches.begin(), m_matches.end(), [&](int a, int b) {
        const QPointF pa = place(a);
        const QPointF pb = place(b);
        if (!qFuzzyCompare(pa.x() + 1, pb.x() + 1))
            return pa.x() < pb.x();
        return pa.y() < pb.y();
    });
}

void GraphView::recomputeEmphasis()
{
    if (!m_model || !m_projection)
        return;
    const Graph &graph = m_model->graph();
    const int n = m_model->nodeCount();
    m_state.nodeFlags.fill(0, n);
    m_state.groupFlags.fill(0, graph.groupNames().size());

    QList<bool> chosen;
    quint8 chosenFlag = 0;
    if (m_hover != kNone) {
        QList<int> seeds;
        if (m_hover >= 0) {
            seeds.append(m_hover);
        } else {
            for (int i : graph.nodesInGroup(
                     graph.groupNames().value(GraphSceneState::groupOfRef(m_hover)))) {
                if (m_state.shown.value(i))
                    seeds.append(i);
            }
        }
        chosen = QList<bool>(n, false);
        for (int i : graph.upstream(seeds))
            chosen[i] = true;
        for (int i : graph.downstream(seeds))
            chosen[i] = true;
        chosenFlag = GraphSceneState::OnPath;
    } else if (!m_search.isEmpty()) {
        chosen = QList<bool>(n, false);
        for (int i : std::as_const(m_matches))
            chosen[i] = true;
        chosenFlag = GraphSceneState::Matched;
    }
    if (chosenFlag) {
        QList<bool> groupChosen(graph.groupNames().size(), false);
        for (int i = 0; i < n; ++i) {
            if (!m_state.shown.value(i))
                continue;
            m_state.nodeFlags[i] = chosen.at(i) ? chosenFlag : quint8(GraphSceneState::Dimmed);
            const int ref = displayRef(i);
            if (GraphSceneState::isGroupRef(ref) && chosen.at(i))
                groupChosen[GraphSceneState::groupOfRef(ref)] = true;
        }
        for (int g = 0; g < groupChosen.size(); ++g)
            m_state.groupFlags[g] =
                groupChosen.at(g) ? chosenFlag : quint8(GraphSceneState::Dimmed);
    }
    updateAllItems();
}

void GraphView::updateAllItems()
{
    for (NodeItem *item : std::as_const(m_nodeItems)) {
        if (item)
            item->update();
    }
    for (GroupItem *item : std::as_const(m_groupItems)) {
        if (item)
            item->update();
    }
    for (EdgeItem *edge : std::as_const(m_edgeItems))
        edge->update();
    m_minimap->invalidate();
}

void GraphView::updateItemCaching()
{
    // A pixmap per node pays off when boxes carry text; zoomed out they are
    // plain rectangles, and thousands of tiny pixmaps only cost time.
    const bool detailed = transform().m11() >= 0.4;
    if (detailed == m_itemsCached)
        return;
    m_itemsCached = detailed;
    const QGraphicsItem::CacheMode mode =
        detailed ? QGraphicsItem::DeviceCoordinateCache : QGraphicsItem::NoCache;
    for (NodeItem *item : std::as_const(m_nodeItems)) {
        if (item)
            item->setCacheMode(mode);
    }
    for (GroupItem *item : std::as_const(m_groupItems)) {
        if (item)
            item->setCacheMode(mode);
    }
}

void GraphView::updateElement(int ref)
{
    if (QGraphicsItem *item = itemFor(ref))
        item->update();
    for (EdgeItem *edge : m_edgesFrom.value(ref)) {
        if (m_edgesFar)
            edge->setVisible(edge->isMarked());
        edge->update();
    }
}

QString GraphView::describe(int ref) const
{
    if (!m_model)
        return {};
    auto line = [](const QString &text) { return text.toHtmlEscaped() + QStringLiteral("<br>"); };
    if (ref >= 0) {
        const NodeView &v = m_model->node(ref);
        const StateStyle &style = m_state.palette.style(stateKey(v));
        QString html = QStringLiteral("<b>%1</b><br>").arg(v.id.toHtmlEscaped());
        QStringList facts{engine::toString(v.kind)};
        if (!v.group.isEmpty())
            facts << tr("group %1").arg(v.group);
        if (!v.owner.isEmpty())
            facts << tr("owner %1").arg(v.owner);
        html += line(facts.join(QStringLiteral(" \u00b7 ")));
        QString state = style.glyph + QLatin1Char(' ') + style.label;
        if (v.attempt > 1)
            state += QLatin1String(", ") + tr("attempt %1").arg(v.attempt);
        if (v.tries > 1)
            state += QLatin1String(", ") + tr("try %1").arg(v.tries);
        html += line(state);
        if (const std::optional<NodeBadge> badge = NodeItem::nodeBadge(*m_model, ref))
            html += line(badge->text);
        if (!v.message.isEmpty())
            html += line(v.message.left(400));
        html.chop(4);
        return html;
    }
    if (!GraphSceneState::isGroupRef(ref))
        return {};
    const int g = GraphSceneState::groupOfRef(ref);
    const Graph &graph = m_model->graph();
    const QString name = graph.groupNames().value(g);
    QMap<int, int> counts; // by severity, worst first when read backwards
    QHash<int, NodeState> states;
    for (int i : graph.nodesInGroup(name)) {
        if (!m_state.shown.value(i))
            continue;
        const NodeState s = m_model->node(i).state;
        ++counts[StatePalette::severity(s)];
        states.insert(StatePalette::severity(s), s);
    }
    QStringList parts;
    for (auto it = counts.cend(); it != counts.cbegin();) {
        --it;
        const StateStyle &style = m_state.palette.style(states.value(it.key()));
        parts << QStringLiteral("%1 %2 %3").arg(it.value()).arg(style.glyph, style.label);
    }
    return QStringLiteral("<b>%1</b><br>").arg(tr("Group %1").arg(name).toHtmlEscaped()) +
           line(NodeItem::nodeCount(m_state.groupSize(g))) +
           parts.join(QStringLiteral(", ")).toHtmlEscaped() + QStringLiteral("<br><i>") +
           tr("Double-click to expand").toHtmlEscaped() + QStringLiteral("</i>");
}

// --- interaction (the input handlers are in graphinput.cpp) -------------------

void GraphView::paintEvent(QPaintEvent *event)
{
    // Level of detail for very large paths: far out, the view need not even
    // visit the thousands of edges that would be sub-pixel hairs; the ones
    // that carry a failure stay.
    const bool far = transform().m11() < 0.08;
    if (far != m_edgesFar) {
        m_edgesFar = far;
        for (const QList<EdgeItem *> &edges : std::as_const(m_edgesFrom)) {
            for (EdgeItem *edge : edges)
                edge->setVisible(!far || edge->isMarked());
        }
    }
    QGraphicsView::paintEvent(event);
}

void GraphView::resizeEvent(QResizeEvent *event)
{
    QGraphicsView::resizeEvent(event);
    // Until the view is zoomed or panned (by the user or by a call), a fitted
    // graph stays fitted.
    if (m_autoFit && m_layoutReady && transform() == m_fitTransform &&
        QLineF(mapToScene(viewport()->rect().center()), m_fitCentre).length() <
            4 / std::max(0.01, transform().m11()))
        fitAll();
    m_minimap->reposition();
}

void GraphView::scrollContentsBy(int dx, int dy)
{
    QGraphicsView::scrollContentsBy(dx, dy);
    m_minimap->reposition();
}

void GraphView::changeEvent(QEvent *event)
{
    // A dialog or menu took the window: the lineage fade of the node that was
    // under the mouse must not stay behind when it closes.
    if (event->type() == QEvent::ActivationChange)
        hoverUnderCursor();
    if (event->type() == QEvent::PaletteChange) {
        m_state.palette = StatePalette::forPalette(palette());
        setBackgroundBrush(canvasColour(m_state.palette));
        resetCachedContent();
        updateAllItems();
    }
    QGraphicsView::changeEvent(event);
}

void GraphView::drawBackground(QPainter *painter, const QRectF &rect)
{
    QGraphicsView::drawBackground(painter, rect);
    if (m_projection && !m_projection->refs.isEmpty())
        return;
    // An empty graph says why, in the middle of the view.
    painter->save();
    painter->resetTransform();
    painter->setPen(m_state.palette.mutedText());
    QString text;
    if (!m_model || m_model->nodeCount() == 0)
        text = tr("No reporting path to show.");
    else if (!m_layoutReady)
        text = tr("Laying out the reporting path\u2026");
    else
        text = tr("Nothing to show: the section filter leaves no nodes.");
    painter->drawText(viewport()->rect(), Qt::AlignCenter, text);
    painter->restore();
}

} // namespace vouch::ui
