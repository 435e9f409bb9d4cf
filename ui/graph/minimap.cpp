#include "ui/graph/minimap.h"

#include <QGraphicsScene>
#include <QGraphicsView>
#include <QMouseEvent>
#include <QPainter>

namespace vouch::ui {

namespace {
constexpr double kMaxWidth = 220;
constexpr double kMaxHeight = 150;
constexpr int kMargin = 4;
constexpr int kInset = 12; // from the viewport's corner
} // namespace

Minimap::Minimap(QGraphicsView *view)
    : QWidget(view)
    , m_view(view)
{
    setCursor(Qt::PointingHandCursor);
    setToolTip(tr("Overview: click or drag to move the view"));
    m_refresh.setSingleShot(true);
    m_refresh.setInterval(150);
    connect(&m_refresh, &QTimer::timeout, this, [this] {
        m_dirty = true;
        update();
    });
    hide();
}

void Minimap::invalidate()
{
    if (!m_refresh.isActive())
        m_refresh.start();
}

void Minimap::reposition()
{
    const QRectF scene = m_view->sceneRect();
    if (!m_view->scene() || scene.isEmpty()) {
        hide();
        return;
    }
    const QRectF visible = m_view->mapToScene(m_view->viewport()->rect()).boundingRect();
    const bool everythingVisible = visible.adjusted(-1, -1, 1, 1).contains(scene);
    const double scale = std::min(kMaxWidth / scene.width(), kMaxHeight / scene.height());
    const QSize size(std::max(48, int(scene.width() * scale) + 2 * kMargin),
                     std::max(36, int(scene.height() * scale) + 2 * kMargin));
    const QRect viewport = m_view->viewport()->geometry();
    const QRect geometry(viewport.right() - kInset - size.width() + 1,
                         viewport.bottom() - kInset - size.height() + 1, size.width(),
                         size.height());
    if (geometry != this->geometry()) {
        setGeometry(geometry);
        m_dirty = true;
    }
    setVisible(!everythingVisible);
    raise();
    update();
}

QRectF Minimap::target() const
{
    const QRectF scene = m_view->sceneRect();
    const QRectF area = QRectF(rect()).adjusted(kMargin, kMargin, -kMargin, -kMargin);
    if (scene.isEmpty() || area.isEmpty())
        return area;
    const double scale = std::min(area.width() / scene.width(), area.height() / scene.height());
    QRectF t(0, 0, scene.width() * scale, scene.height() * scale);
    t.moveCenter(area.center());
    return t;
}

void Minimap::render()
{
    m_dirty = false;
    const qreal ratio = devicePixelRatioF();
    m_picture = QPixmap(size() * ratio);
    m_picture.setDevicePixelRatio(ratio);
    m_picture.fill(Qt::transparent);
    if (!m_view->scene())
        return;
    QPainter painter(&m_picture);
    m_view->scene()->render(&painter, target(), m_view->sceneRect(), Qt::KeepAspectRatio);
}

void Minimap::paintEvent(QPaintEvent *)
{
    if (m_dirty)
        render();
    QPainter painter(this);
    QColor background = palette().color(QPalette::Base);
    background.setAlpha(235);
    painter.setPen(QPen(palette().color(QPalette::Mid), 1));
    painter.setBrush(background);
    painter.drawRect(QRectF(rect()).adjusted(0.5, 0.5, -0.5, -0.5));
    painter.drawPixmap(0, 0, m_picture);

    const QRectF scene = m_view->sceneRect();
    const QRectF t = target();
    if (scene.isEmpty())
        return;
    const double scale = t.width() / scene.width();
    const QRectF visible = m_view->mapToScene(m_view->viewport()->rect()).boundingRect();
    QRectF shown((visible.left() - scene.left()) * scale + t.left(),
                 (visible.top() - scene.top()) * scale + t.top(), visible.width() * scale,
                 visible.height() * scale);
    shown = shown.intersected(QRectF(rect()).adjusted(1, 1, -1, -1));
    QColor fill = palette().color(QPalette::Highlight);
    fill.setAlpha(40);
    painter.setBrush(fill);
    painter.setPen(QPen(palette().color(QPalette::Highlight), 1.5));
    painter.drawRect(shown);
}

void Minimap::centreViewAt(const QPointF &widgetPos)
{
    const QRectF scene = m_view->sceneRect();
    const QRectF t = target();
    if (scene.isEmpty() || t.isEmpty())
        return;
    const double scale = t.width() / scene.width();
    m_view->centerOn(scene.topLeft() + (widgetPos - t.topLeft()) / scale);
    update();
}

void Minimap::mousePressEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton)
        centreViewAt(event->position());
    event->accept();
}

void Minimap::mouseMoveEvent(QMouseEvent *event)
{
    if (event->buttons() & Qt::LeftButton)
        centreViewAt(event->position());
    event->accept();
}

} // namespace vouch::ui
