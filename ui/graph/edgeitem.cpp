#include "ui/graph/edgeitem.h"

#include "ui/graph/graphscenestate.h"

#include <QPainter>
#include <QStyleOptionGraphicsItem>

#include <cmath>

namespace vouch::ui {

namespace {

constexpr double kFarLod = 0.08;

constexpr double kArrowLength = 9;
constexpr double kArrowHalfWidth = 4.5;
// Below this scale arrowheads are a few pixels of noise: skip them.
constexpr double kArrowLod = 0.15;
constexpr double kDimmedOpacity = 0.14;

QPointF unit(QPointF v)
{
    const double length = std::hypot(v.x(), v.y());
    return length > 0 ? v / length : QPointF(1, 0);
}

} // namespace

EdgeItem::EdgeItem(const QList<QPointF> &route, int fromRef, int toRef, bool reversed,
                   const GraphSceneState *state)
    : m_from(fromRef)
    , m_to(toRef)
    , m_reversed(reversed)
    , m_state(state)
{
    if (route.size() < 2)
        return;
    // Between layers a segment is an S-curve with level tangents; inside a
    // layer (a long edge's slot) it is straight. The last segment stops at the
    // arrowhead's base.
    const QPointF tip = route.last();
    const QPointF before = route.at(route.size() - 2);
    const bool lastCurved =
        std::abs(tip.y() - before.y()) > 0.5 && std::abs(tip.x() - before.x()) > 0.5;
    const QPointF direction =
        lastCurved ? QPointF(tip.x() >= before.x() ? 1 : -1, 0) : unit(tip - before);
    const QPointF base = tip - direction * kArrowLength;

    double length = 0;
    for (qsizetype k = 1; k < route.size(); ++k) {
        const QPointF a = route.at(k - 1);
        const QPointF b = k == route.size() - 1 ? base : route.at(k);
        Piece piece;
        piece.startLength = length;
        piece.path.moveTo(a);
        const double chord = std::hypot(b.x() - a.x(), b.y() - a.y());
        if (std::abs(a.y() - b.y()) <= 0.5 || std::abs(a.x() - b.x()) <= 0.5) {
            piece.path.lineTo(b);
            length += chord;
        } else {
            const double mx = (a.x() + route.at(k).x()) / 2;
            piece.path.cubicTo(QPointF(mx, a.y()), QPointF(mx, b.y()), b);
            // Between the chord and the control polygon: close enough to carry
            // the dash pattern on, without QPainterPath::length()'s cost.
            length +=
                (chord + std::abs(mx - a.x()) + std::abs(b.y() - a.y()) + std::abs(b.x() - mx)) / 2;
        }
        piece.bounds = piece.path.controlPointRect().adjusted(-3, -3, 3, 3);
        m_bounds = m_bounds.united(piece.bounds);
        m_pieces.append(piece);
    }
    const QPointF normal(-direction.y(), direction.x());
    m_arrow << tip << base + normal * kArrowHalfWidth << base - normal * kArrowHalfWidth;
    m_bounds = m_bounds.united(m_arrow.boundingRect().adjusted(-3, -3, 3, 3));
    setFlag(ItemUsesExtendedStyleOption); // for option->exposedRect
}

bool EdgeItem::isMarked() const
{
    return m_state->edgeCarriesFailure(m_from, m_to);
}

void EdgeItem::paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *)
{
    if (m_pieces.isEmpty())
        return;
    const GraphSceneState &state = *m_state;
    const StatePalette &palette = state.palette;
    const quint8 from = state.flags(m_from);
    const quint8 to = state.flags(m_to);
    const bool dimmed = (from | to) & GraphSceneState::Dimmed;
    const bool onPath = (from & to) & GraphSceneState::OnPath;
    const bool marked = isMarked();
    const double lod = option->levelOfDetailFromTransform(painter->worldTransform());
    // So far out that an edge is a hair across thousands of others: only
    // edges that carry a failure or lie on the hovered path are worth ink.
    if (lod < kFarLod && !marked && !onPath)
        return;

    const QColor colour = marked   ? palette.failureEdge()
                          : onPath ? palette.highlight()
                                   : palette.edge();
    QPen pen(colour, marked ? 2.8 : onPath ? 2.2 : 1.4);
    if (marked)
        pen.setDashPattern({4, 2.5});
    else if (m_reversed)
        pen.setStyle(Qt::DotLine);
    painter->setOpacity(dimmed ? kDimmedOpacity : 1.0); // the view does not save painter state
    const QRectF exposed = option->exposedRect;
    auto stroke = [&](QPen pen) {
        painter->setBrush(Qt::NoBrush);
        const bool dashed = pen.style() != Qt::SolidLine;
        const double width = pen.widthF() > 0 ? pen.widthF() : 1;
        for (const Piece &piece : m_pieces) {
            if (!piece.bounds.intersects(exposed))
                continue;
            if (dashed && !pen.isCosmetic())
                pen.setDashOffset(piece.startLength / width);
            painter->setPen(pen);
            painter->drawPath(piece.path);
        }
    };
    if (lod < kArrowLod) {
        // Zoomed far out, thousands of edges would bury the nodes' colours:
        // draw them faint, failures less so.
        QColor faint = colour;
        faint.setAlphaF(marked ? 0.75f : 0.35f);
        pen.setColor(faint);
        pen.setCosmetic(true);
        pen.setWidthF(marked ? 1.5 : 1);
        stroke(pen);
        return;
    }
    painter->setRenderHint(QPainter::Antialiasing);
    stroke(pen);
    if (m_arrow.boundingRect().intersects(exposed)) {
        painter->setPen(Qt::NoPen);
        painter->setBrush(colour);
        painter->drawPolygon(m_arrow);
    }
}

} // namespace vouch::ui
