// GraphView's input: mouse and wheel (zoom, selection, context menus),
// keyboard navigation along the graph, tooltips and hover. The rest of the
// class (model, layout, scene, painting) is in graphview.cpp.
#include "ui/graph/graphview.h"

#include "engine/graph/graph.h"
#include "ui/graph/minimap.h"
#include "ui/model/runmodel.h"

#include <QApplication>
#include <QContextMenuEvent>
#include <QCursor>
#include <QGraphicsItem>
#include <QHelpEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QScrollBar>
#include <QToolTip>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>
#include <optional>

namespace vouch::ui {

using engine::Graph;

namespace {

constexpr int kNone = GraphSceneState::kNone;
constexpr double kMaxZoom = 3.0;

} // namespace

int GraphView::neighbourRef(int key) const
{
    if (!m_model || !m_layoutReady)
        return kNone;
    const auto centreOf = [this](int node) -> std::optional<QPointF> {
        const QGraphicsItem *item = itemFor(displayRef(node));
        if (!item)
            return std::nullopt;
        return item->sceneBoundingRect().center();
    };
    const int from = m_state.selected;
    if (from < 0) {
        // Nothing (or a group box) selected: start at the first node in
        // reading order.
        int best = kNone;
        QPointF bestAt;
        for (int i = 0; i < m_model->nodeCount(); ++i) {
            const auto at = m_state.shown.value(i) ? centreOf(i) : std::nullopt;
            if (at && (best == kNone || at->x() < bestAt.x() ||
                       (qFuzzyCompare(at->x() + 1, bestAt.x() + 1) && at->y() < bestAt.y()))) {
                best = i;
                bestAt = *at;
            }
        }
        return best;
    }
    const std::optional<QPointF> here = centreOf(from);
    if (!here)
        return kNone;
    const Graph &graph = m_model->graph();
    QList<int> candidates;
    if (key == Qt::Key_Right) {
        candidates = graph.dependants(from);
    } else if (key == Qt::Key_Left) {
        candidates = graph.needs(from);
    } else {
        for (int i = 0; i < m_model->nodeCount(); ++i)
            candidates.append(i);
    }
    const double column = m_state.nodeSize.width() / 2;
    int best = kNone;
    double bestDistance = 0;
    for (int i : std::as_const(candidates)) {
        if (i == from || !m_state.shown.value(i) || displayRef(i) == displayRef(from))
            continue;
        const std::optional<QPointF> at = centreOf(i);
        if (!at)
            continue;
        const QPointF d = *at - *here;
        if (key == Qt::Key_Up || key == Qt::Key_Down) {
            // The next node above or below in the same column.
            if (std::abs(d.x()) > column || (key == Qt::Key_Up ? d.y() >= 0 : d.y() <= 0))
                continue;
        }
        // Across the flow first, then along it: the neighbour in line.
        const double distance = std::abs(d.y()) * 4 + std::abs(d.x());
        if (best == kNone || distance < bestDistance) {
            best = i;
            bestDistance = distance;
        }
    }
    return best;
}

void GraphView::zoomBy(double factor, const QPoint &anchor)
{
    const double current = transform().m11();
    const QRectF scene = sceneRect();
    const QRectF area = viewport()->rect();
    // Never smaller than half the fit-all scale: the graph stays findable.
    double minimum = 0.05;
    if (!scene.isEmpty() && !area.isEmpty())
        minimum = std::min(
            minimum, 0.5 * std::min(area.width() / scene.width(), area.height() / scene.height()));
    const double target = std::clamp(current * factor, minimum, kMaxZoom);
    if (qFuzzyCompare(target, current))
        return;
    m_autoFit = false;
    const QPointF fixed = mapToScene(anchor);
    scale(target / current, target / current);
    const QPointF drift = QPointF(mapFromScene(fixed)) - QPointF(anchor);
    horizontalScrollBar()->setValue(horizontalScrollBar()->value() + int(std::lround(drift.x())));
    verticalScrollBar()->setValue(verticalScrollBar()->value() + int(std::lround(drift.y())));
    m_minimap->reposition();
}

void GraphView::wheelEvent(QWheelEvent *event)
{
    if (event->modifiers() & Qt::ShiftModifier) {
        QGraphicsView::wheelEvent(event); // scrolls
        return;
    }
    const int delta = event->angleDelta().y();
    if (delta == 0) {
        QGraphicsView::wheelEvent(event);
        return;
    }
    zoomBy(std::pow(1.0015, delta), event->position().toPoint());
    event->accept();
}

void GraphView::mousePressEvent(QMouseEvent *event)
{
    m_pressPos = event->position().toPoint();
    if (event->button() == Qt::RightButton) {
        // Handled on the press rather than in contextMenuEvent, which not
        // every platform (nor a synthesised click) delivers.
        const int ref = refAt(m_pressPos);
        if (ref >= 0) {
            setSelectedRef(ref, false);
            Q_EMIT nodeContextMenuRequested(idOf(ref), event->globalPosition().toPoint());
            hoverUnderCursor(); // the menu has closed (it runs modally in the slot)
        }
        event->accept();
        return;
    }
    if (event->button() == Qt::LeftButton)
        m_autoFit = false;
    QGraphicsView::mousePressEvent(event);
}

void GraphView::mouseReleaseEvent(QMouseEvent *event)
{
    QGraphicsView::mouseReleaseEvent(event);
    const QPoint pos = event->position().toPoint();
    if (event->button() == Qt::LeftButton &&
        (pos - m_pressPos).manhattanLength() < QApplication::startDragDistance())
        setSelectedRef(refAt(pos), false);
}

void GraphView::mouseDoubleClickEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton) {
        event->accept();
        return;
    }
    const int ref = refAt(event->position().toPoint());
    if (ref >= 0) {
        setSelectedRef(ref, false);
        Q_EMIT nodeActivated(idOf(ref));
    } else if (GraphSceneState::isGroupRef(ref)) {
        setGroupCollapsed(groups().value(GraphSceneState::groupOfRef(ref)), false);
    }
    event->accept();
}

void GraphView::mouseMoveEvent(QMouseEvent *event)
{
    QGraphicsView::mouseMoveEvent(event);
    if (event->buttons() == Qt::NoButton)
        setHoverRef(refAt(event->position().toPoint()));
}

void GraphView::contextMenuEvent(QContextMenuEvent *event)
{
    // Mouse: already asked for on the press. Keyboard (Menu key): the selection.
    if (event->reason() == QContextMenuEvent::Keyboard && m_state.selected >= 0) {
        const QString id = idOf(m_state.selected);
        const QPoint at = mapFromScene(nodeCenter(id));
        Q_EMIT nodeContextMenuRequested(id, viewport()->mapToGlobal(at));
        hoverUnderCursor();
    }
    event->accept();
}

void GraphView::keyPressEvent(QKeyEvent *event)
{
    const QPoint centre = viewport()->rect().center();
    switch (event->key()) {
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        zoomBy(1.25, centre);
        return;
    case Qt::Key_Minus:
        zoomBy(0.8, centre);
        return;
    case Qt::Key_0:
        fitAll();
        return;
    case Qt::Key_Return:
    case Qt::Key_Enter:
        if (!m_matches.isEmpty())
            findNext();
        else if (m_state.selected >= 0)
            Q_EMIT nodeActivated(idOf(m_state.selected));
        return;
    case Qt::Key_Escape:
        setSelectedRef(kNone, false);
        return;
    case Qt::Key_Left:
    case Qt::Key_Right:
    case Qt::Key_Up:
    case Qt::Key_Down:
        if (event->modifiers() == Qt::NoModifier || event->modifiers() == Qt::KeypadModifier) {
            // Arrows walk the graph; with a modifier they still scroll.
            if (const int next = neighbourRef(event->key()); next != kNone) {
                setSelectedRef(next, false);
                if (const QGraphicsItem *item = itemFor(displayRef(next)))
                    ensureVisible(item, 40, 40);
            }
            return;
        }
        QGraphicsView::keyPressEvent(event);
        return;
    default:
        QGraphicsView::keyPressEvent(event);
    }
}

bool GraphView::viewportEvent(QEvent *event)
{
    if (event->type() == QEvent::Paint)
        updateItemCaching();
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const int ref = refAt(help->pos());
        if (ref == kNone)
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), describe(ref), viewport());
        return true;
    }
    if (event->type() == QEvent::Leave)
        setHoverRef(kNone);
    return QGraphicsView::viewportEvent(event);
}

void GraphView::hoverUnderCursor()
{
    const QPoint at = viewport()->mapFromGlobal(QCursor::pos());
    setHoverRef(isActiveWindow() && viewport()->rect().contains(at) ? refAt(at) : kNone);
}

} // namespace vouch::ui
