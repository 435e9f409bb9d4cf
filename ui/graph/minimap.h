#pragma once

#include <QPixmap>
#include <QTimer>
#include <QWidget>

class QGraphicsView;

namespace vouch::ui {

// An overview in a corner of a graph view: the whole scene, small, and the
// rectangle the view shows. Clicking or dragging on it centres the view there.
// The scene picture is cached and redrawn at most a few times a second after
// invalidate(); the visible rectangle is drawn live.
class Minimap : public QWidget
{
    Q_OBJECT

public:
    explicit Minimap(QGraphicsView *view);

    // The scene's contents changed (layout, states, emphasis).
    void invalidate();
    // Follows the view: size for the scene's aspect, place in the corner,
    // hidden when the whole scene is visible anyway.
    void reposition();

protected:
    void paintEvent(QPaintEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;

private:
    QRectF target() const; // where the scene is drawn inside the widget
    void centreViewAt(const QPointF &widgetPos);
    void render();

    QGraphicsView *m_view;
    QPixmap m_picture;
    bool m_dirty = true;
    QTimer m_refresh;
};

} // namespace vouch::ui
