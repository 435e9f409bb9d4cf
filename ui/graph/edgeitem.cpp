#include "ui/graph/edgeitem.h"

#include "ui/graph/graphscenestate.h"

#include <QPainter>
#include <QStyleOptionGraphicsItem>

#include <cmath>

namespace vouch::ui {

namespace {

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

    m_path.moveTo(route.first());
    for (qsizetype k = 1; k < route.size(); ++k) {
        const QPointF a = route.at(k - 1);
        const QPointF b = k == route.size() - 1 ? base : route.at(k);
        if (std::abs(a.y() - b.y()) <= 0.5 || std::abs(a.x() - b.x()) <= 0.5) {
            m_path.lineTo(b);
        } else {
            const double mx = (a.x() + route.at(k).x()) / 2;
            m_path.cubicTo(QPointF(mx, a.y()), QPointF(mx, b.y()), b);
        }
    }
    const QPointF normal(-direction.y(), direction.x());
    m_arrow << tip << base + normal * kArrowHalfWidth << base - normal * kArrowHalfWidth;
    m_bounds = m_path.controlPointRect().united(m_arrow.boundingRect()).adjusted(-3, -3, 3, 3);
}

bool EdgeItem::isMarked() const
{
    return m_state->carriesFailure(m_from);
}

void EdgeItem::paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *)
{
    if (m_path.isEmpty())
        return;
    const GraphSceneState &state = *m_state;
    const StatePalette &palette = state.palette;
    const quint8 from = state.flags(m_from);
    const quint8 to = state.flags(m_to);
    const bool dimmed = (from | to) & GraphSceneState::Dimmed;
    const bool onPath = (from & to) & GraphSceneState::OnPath;
    const bool marked = isMarked();
    const double lod = option->levelOfDetailFromTransform(painter->worldTransform());

    const QColor colour = marked   ? palette.failureEdge()
                          : onPath ? palette.highlight()
                                   : palette.edge();
    QPen pen(colour, marked ? 2.8 : onPath ? 2.2 : 1.4);
    if (marked)
        pen.setDashPattern({4, 2.5});
    else if (m_reversed)
        pen.setStyle(Qt::DotLine);
    if (dimmed)
        painter->setOpacity(kDimmedOpacity);
    if (lod < kArrowLod) {
        pen.setCosmetic(true);
        pen.setWidthF(marked ? 2 : 1);
        painter->setPen(pen);
        painter->setBrush(Qt::NoBrush);
        painter->drawPath(m_path);
        return;
    }
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(pen);
    painter->setBrush(Qt::NoBrush);
    painter->drawPath(m_path);
    painter->setPen(Qt::NoPen);
    painter->setBrush(colour);
    painter->drawPolygon(m_arrow);
}

} // namespace vouch::ui
