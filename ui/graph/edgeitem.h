#pragma once

#include <QGraphicsItem>
#include <QList>
#include <QPainterPath>
#include <QPointF>
#include <QPolygonF>
#include <QRectF>

namespace vouch::ui {

struct GraphSceneState;

// One edge of the laid-out graph, from the element that is needed to the one
// that needs it (element references: see GraphSceneState), along the layout's
// route, with an arrowhead. Holds only the route's geometry and the two
// references; whether it carries a failure (red, dashed, thicker) and whether
// it is dimmed or on the hovered path is read when painted.
class EdgeItem : public QGraphicsItem
{
public:
    enum
    {
        Type = UserType + 703
    };

    EdgeItem(const QList<QPointF> &route, int fromRef, int toRef, bool reversed,
             const GraphSceneState *state);

    int fromRef() const { return m_from; }
    int toRef() const { return m_to; }
    // The upstream end failed or is upstream-failed.
    bool isMarked() const;

    int type() const override { return Type; }
    QRectF boundingRect() const override { return m_bounds; }
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option,
               QWidget *widget = nullptr) override;

private:
    int m_from;
    int m_to;
    bool m_reversed;
    const GraphSceneState *m_state;
    // The route in pieces, one per layout segment, each with its bounds: a long
    // edge crosses many screens, and only the pieces in the exposed rect are
    // stroked.
    struct Piece
    {
        QPainterPath path;
        QRectF bounds;
        double startLength = 0; // along the route, to continue the dash pattern
    };
    QList<Piece> m_pieces;
    QPolygonF m_arrow;
    QRectF m_bounds;
};

} // namespace vouch::ui
