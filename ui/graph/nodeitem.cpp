#include "ui/graph/nodeitem.h"

#include "engine/contract/contract.h"
#include "ui/graph/graphscenestate.h"
#include "ui/model/runmodel.h"

#include <QFontMetricsF>
#include <QLocale>
#include <QPainter>
#include <QStyleOptionGraphicsItem>

#include <cmath>

namespace vouch::ui {

using engine::NodeKind;
using engine::NodeState;

namespace {

// The smallest on-screen size a name is drawn at, and how much of a
// zoomed-out box's height it may take; below that zoom only the glyph is drawn.
constexpr double kMinLabelPixels = 8;
// The id's size in the two-row box, in scene units. Below the scale where it
// would be under kMinLabelPixels, a node becomes a coloured box with its glyph
// and, while it fits, its name (paintCoarse), which also keeps a 10,000-node
// overview cheap.
constexpr int kIdPixels = 12;
constexpr double kTextLod = kMinLabelPixels / kIdPixels;
constexpr double kMaxLabelShare = 0.62;
// Below this scale a glyph would be under 5 px: the box's colour (and the
// hatch of a blocked state) is all that can be seen.
constexpr double kGlyphLod = 0.1;
constexpr double kDimmedOpacity = 0.22;

// Layout of a box, in scene units (the box is nodeSize, 268 x 60 by default).
constexpr double kStripe = 7;
constexpr double kPad = 7;
constexpr double kDisc = 21;
constexpr double kTextLeft = kStripe + kPad + kDisc + 7;
constexpr double kRow1 = 7;  // top of the first row
constexpr double kRow2 = 33; // top of the second row
constexpr double kRowHeight = 20;

// In the user's locale ("473,099.66"; "473.099,66" in German), with at most
// two decimals and no trailing zeros.
QString formatNumber(double value)
{
    const QLocale locale;
    if (std::isfinite(value) && value == std::floor(value) && std::abs(value) < 1e15)
        return locale.toString(qint64(value));
    QString text = locale.toString(value, 'f', 2);
    const QString point = locale.decimalPoint();
    if (text.contains(point)) {
        while (text.endsWith(QLatin1Char('0')))
            text.chop(1);
        if (text.endsWith(point))
            text.chop(point.size());
    }
    return text;
}

// "abs_diff > 0.5%" -> "|Δ| 0.8% > 0.5%": the measured quantity, then the
// comparison without its measure word.
QString compared(const engine::Threshold &threshold, const NodeView &view)
{
    using Measure = engine::Threshold::Measure;
    if (threshold.measure == Measure::Value)
        return formatNumber(*view.value) + QLatin1Char(' ') + threshold.text;
    const std::optional<double> measured = threshold.measured(*view.value, view.reference);
    if (!measured)
        return formatNumber(*view.value) + QLatin1Char(' ') + threshold.text;
    QString rest = threshold.text.trimmed();
    for (const char *word : {"abs_diff", "diff"}) {
        if (rest.startsWith(QLatin1String(word))) {
            rest = rest.mid(qsizetype(qstrlen(word))).trimmed();
            break;
        }
    }
    const QString prefix = threshold.measure == Measure::AbsDiff ? QStringLiteral("|\u0394| ")
                                                                 : QStringLiteral("\u0394 ");
    return prefix + formatNumber(*measured) +
           (threshold.percent ? QStringLiteral("%") : QString()) + QLatin1Char(' ') + rest;
}

bool isBlocked(StateKey key)
{
    return key == StateKey::UpstreamFailed || key == StateKey::Skipped ||
           key == StateKey::Cancelled;
}

void drawDisc(QPainter *painter, const QRectF &disc, const StateStyle &style, const QFont &font)
{
    painter->setPen(Qt::NoPen);
    painter->setBrush(style.colour);
    painter->drawEllipse(disc);
    painter->setPen(style.ink);
    painter->setFont(font);
    painter->drawText(disc, Qt::AlignCenter, style.glyph);
}

// Zoomed out, a node is a coloured box. While its name can still be drawn
// at kMinLabelPixels on screen, the glyph sits in a square at the left and the
// name (elided) beside it; further out the glyph fills the box while it can
// be made out.
// A state blocked by another (upstream failed, skipped, cancelled) is hatched
// as well, so it never differs from its cause by shade alone.
void paintCoarse(QPainter *painter, const QRectF &box, const StateStyle &style, StateKey key,
                 const QString &label, quint8 flags, bool selected, const GraphSceneState &state,
                 double lod)
{
    painter->setPen(Qt::NoPen);
    painter->setBrush(style.colour);
    painter->drawRect(box);
    if (isBlocked(key)) {
        // Brush patterns are cosmetic in Qt 6.4: the hatch keeps its pitch at any zoom.
        QBrush hatch(style.ink, Qt::BDiagPattern);
        painter->setBrush(hatch);
        painter->drawRect(box);
    }
    // The overview of a large graph: colour (and hatch) only, nothing else to set up.
    if (lod >= kGlyphLod) {
        const double namePixels = NodeItem::coarseNamePixels(lod, box.size());
        QFont glyphFont = state.glyphFont;
        painter->setPen(style.ink);
        if (namePixels > 0) {
            const QRectF square(box.left(), box.top(), box.height(), box.height());
            glyphFont.setPixelSize(int(box.height() * 0.6));
            painter->setFont(glyphFont);
            painter->drawText(square, Qt::AlignCenter, style.glyph);
            QFont font = state.idFont;
            font.setPixelSize(int(std::ceil(namePixels / lod)));
            const QRectF text = box.adjusted(box.height(), 0, -box.height() * 0.15, 0);
            painter->setFont(font);
            painter->drawText(text, Qt::AlignLeft | Qt::AlignVCenter,
                              QFontMetricsF(font).elidedText(label, Qt::ElideRight, text.width()));
        } else {
            glyphFont.setPixelSize(int(box.height() * 0.8));
            painter->setFont(glyphFont);
            painter->drawText(box, Qt::AlignCenter, style.glyph);
        }
    }
    if (selected || (flags & GraphSceneState::Matched)) {
        QPen pen(selected ? state.palette.highlight() : state.palette.match(), 3);
        pen.setCosmetic(true);
        painter->setPen(pen);
        painter->setBrush(Qt::NoBrush);
        painter->drawRect(box.adjusted(-2, -2, 2, 2));
    }
}

void paintOutline(QPainter *painter, const GraphSceneState &state, quint8 flags, bool selected)
{
    if (!selected && !(flags & GraphSceneState::Matched))
        return;
    const QRectF box(QPointF(0, 0), state.nodeSize);
    QPen pen(selected ? state.palette.highlight() : state.palette.match(), selected ? 3 : 2);
    if (!selected)
        pen.setStyle(Qt::DashLine);
    painter->setPen(pen);
    painter->setBrush(Qt::NoBrush);
    painter->drawRoundedRect(box.adjusted(-2.5, -2.5, 2.5, 2.5), 8, 8);
}

// What painting one element (a node or a group box) starts from; the
// painter is faded already when the element is dimmed.
struct PaintFrame
{
    const StateStyle &style;
    quint8 flags;
    bool selected;
    QRectF box;
    double lod;
};

PaintFrame beginPaint(QPainter *painter, const QStyleOptionGraphicsItem *option,
                      const GraphSceneState &state, int ref, StateKey key)
{
    const quint8 flags = state.flags(ref);
    // Set either way: the view does not save the painter's state around items.
    painter->setOpacity(flags & GraphSceneState::Dimmed ? kDimmedOpacity : 1.0);
    return {state.palette.style(key), flags, state.isSelected(ref),
            QRectF(QPointF(0, 0), state.nodeSize),
            option->levelOfDetailFromTransform(painter->worldTransform())};
}

// The box in the state's tint, its stripe and disc in the state's colour.
void paintCard(QPainter *painter, const GraphSceneState &state, const StateStyle &style)
{
    painter->setPen(QPen(state.palette.border(), 1));
    painter->setBrush(style.fill);
    painter->drawPath(state.boxPath);
    painter->setPen(Qt::NoPen);
    painter->setBrush(style.colour);
    painter->drawPath(state.stripePath);
    drawDisc(painter, QRectF(kStripe + kPad, kRow1 + (kRowHeight - kDisc) / 2 + 1, kDisc, kDisc),
             style, state.glyphFont);
}

void paintBadge(QPainter *painter, const GraphSceneState &state, const NodeBadge &badge,
                const QRectF &row, double *usedWidth)
{
    const StateStyle &style = state.palette.style(badge.key);
    const QString text = style.glyph + QLatin1Char(' ') + badge.text;
    const QFontMetricsF metrics(state.badgeFont);
    const double maxWidth = row.width() * 0.62;
    const QString shown = metrics.elidedText(text, Qt::ElideRight, maxWidth - 12);
    const double width = std::min(maxWidth, metrics.horizontalAdvance(shown) + 12);
    const QRectF pill(row.right() - width, row.top() + 1, width, row.height() - 2);
    painter->setPen(Qt::NoPen);
    painter->setBrush(style.colour);
    painter->drawRoundedRect(pill, pill.height() / 2, pill.height() / 2);
    painter->setPen(style.ink);
    painter->setFont(state.badgeFont);
    painter->drawText(pill, Qt::AlignCenter, shown);
    *usedWidth = width + 6;
}

} // namespace

QString NodeItem::nodeCount(int count)
{
    // Spelled out: plural forms must not depend on a loaded translation.
    return count == 1 ? NodeItem::tr("1 node") : NodeItem::tr("%1 nodes").arg(count);
}

QString NodeItem::formatAge(qint64 seconds)
{
    seconds = std::max<qint64>(0, seconds);
    const qint64 days = seconds / 86400;
    const qint64 hours = (seconds % 86400) / 3600;
    const qint64 minutes = (seconds % 3600) / 60;
    if (days > 0)
        return hours > 0 ? NodeItem::tr("%1d %2h").arg(days).arg(hours)
                         : NodeItem::tr("%1d").arg(days);
    if (hours > 0)
        return minutes > 0 ? NodeItem::tr("%1h %2m").arg(hours).arg(minutes)
                           : NodeItem::tr("%1h").arg(hours);
    if (minutes > 0)
        return NodeItem::tr("%1m").arg(minutes);
    return NodeItem::tr("%1s").arg(seconds);
}

std::optional<NodeBadge> NodeItem::freshnessBadge(const engine::Node *node, const NodeView &view)
{
    if (view.waiting) {
        // The waiting glyph and colour say it; the text says for how long.
        const QString text =
            view.ageSeconds ? formatAge(*view.ageSeconds) : NodeItem::tr("waiting");
        return NodeBadge{text, StateKey::Waiting};
    }
    if (view.ageSeconds) {
        const qint64 age = *view.ageSeconds;
        StateKey key = stateKey(view.freshness);
        if (node && (node->warnAfter || node->errorAfter)) {
            if (node->errorAfter && age >= node->errorAfter->count())
                key = StateKey::StaleError;
            else if (node->warnAfter && age >= node->warnAfter->count())
                key = StateKey::StaleWarn;
            else
                key = StateKey::Fresh;
        }
        return NodeBadge{formatAge(age), key};
    }
    if (view.freshness != engine::Freshness::Unknown) {
        const StateKey key = stateKey(view.freshness);
        return NodeBadge{StatePalette().style(key).label, key};
    }
    return std::nullopt;
}

std::optional<NodeBadge> NodeItem::checkBadge(const engine::Node *node, const NodeView &view)
{
    if (!view.value)
        return std::nullopt;
    if (!node || (!node->errorIf && !node->warnIf))
        return NodeBadge{formatNumber(*view.value), stateKey(view.state)};
    if (node->errorIf && node->errorIf->matches(*view.value, view.reference))
        return NodeBadge{compared(*node->errorIf, view), StateKey::Failed};
    if (node->warnIf && node->warnIf->matches(*view.value, view.reference))
        return NodeBadge{compared(*node->warnIf, view), StateKey::Warned};
    const engine::Threshold &nearest = node->warnIf ? *node->warnIf : *node->errorIf;
    return NodeBadge{NodeItem::tr("%1, not %2").arg(formatNumber(*view.value), nearest.text),
                     StateKey::Succeeded};
}

std::optional<NodeBadge> NodeItem::nodeBadge(const RunModel &model, int index)
{
    const NodeView &view = model.node(index);
    const engine::ContractPtr contract = model.contract();
    const engine::Node *node =
        contract && index < contract->nodes.size() ? &contract->nodes.at(index) : nullptr;
    if (view.kind == NodeKind::Freshness)
        return freshnessBadge(node, view);
    if (view.kind == NodeKind::Check)
        return checkBadge(node, view);
    return std::nullopt;
}

NodeItem::NodeItem(const RunModel *model, int index, const GraphSceneState *state)
    : m_model(model)
    , m_index(index)
    , m_state(state)
{
    setZValue(1);
    // Text and badges are costly; a device-resolution cache makes panning and
    // repaints of unchanged nodes a pixmap blit. update() invalidates it.
    setCacheMode(DeviceCoordinateCache);
}

QRectF NodeItem::boundingRect() const
{
    return QRectF(QPointF(0, 0), m_state->nodeSize).adjusted(-5, -5, 5, 5);
}

double NodeItem::coarseNamePixels(double lod, const QSizeF &box)
{
    if (lod >= kTextLod)
        return kIdPixels * lod; // the two-row box
    const double scenePixels = kMinLabelPixels / std::max(lod, 0.01);
    if (scenePixels > box.height() * kMaxLabelShare)
        return 0;
    return std::max(scenePixels, box.height() * 0.3) * lod;
}

void NodeItem::paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *)
{
    const GraphSceneState &state = *m_state;
    const StatePalette &palette = state.palette;
    const NodeView &view = m_model->node(m_index);
    const StateKey key = stateKey(view);
    const PaintFrame frame = beginPaint(painter, option, state, m_index, key);
    const StateStyle &style = frame.style;
    const QRectF &box = frame.box;
    if (frame.lod < kTextLod) {
        paintCoarse(painter, box, style, key, view.id, frame.flags, frame.selected, state,
                    frame.lod);
        return;
    }
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setRenderHint(QPainter::TextAntialiasing);
    paintCard(painter, state, style);

    // Row 1: the id, and the attempt when this is a rerun.
    double right = box.width() - kPad;
    if (view.attempt > 1) {
        const QString attempt = tr("\u00d7%1").arg(view.attempt);
        const QFontMetricsF metrics(state.badgeFont);
        const double width = metrics.horizontalAdvance(attempt) + 2;
        painter->setFont(state.badgeFont);
        painter->setPen(palette.text());
        painter->drawText(QRectF(right - width, kRow1, width, kRowHeight),
                          Qt::AlignRight | Qt::AlignVCenter, attempt);
        right -= width + 6;
    }
    painter->setFont(state.idFont);
    painter->setPen(palette.text());
    const QRectF idRect(kTextLeft, kRow1, right - kTextLeft, kRowHeight);
    painter->drawText(
        idRect, Qt::AlignLeft | Qt::AlignVCenter,
        QFontMetricsF(state.idFont).elidedText(view.id, Qt::ElideMiddle, idRect.width()));

    // Row 2: kind and state in words, and the badge.
    QRectF row(kTextLeft, kRow2, box.width() - kPad - kTextLeft, kRowHeight);
    if (const std::optional<NodeBadge> badge = nodeBadge(*m_model, m_index)) {
        double used = 0;
        paintBadge(painter, state, *badge, row, &used);
        row.setRight(row.right() - used);
    }
    painter->setFont(state.textFont);
    painter->setPen(palette.mutedText());
    const QString words = engine::toString(view.kind) + QStringLiteral(" \u00b7 ") + style.label;
    painter->drawText(row, Qt::AlignLeft | Qt::AlignVCenter,
                      QFontMetricsF(state.textFont).elidedText(words, Qt::ElideRight, row.width()));

    paintOutline(painter, state, frame.flags, frame.selected);
}

GroupItem::GroupItem(int group, const GraphSceneState *state)
    : m_group(group)
    , m_state(state)
{
    setZValue(1);
    setCacheMode(DeviceCoordinateCache);
}

QRectF GroupItem::boundingRect() const
{
    return QRectF(QPointF(0, 0), m_state->nodeSize).adjusted(-5, -5, 13, 13);
}

void GroupItem::paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *)
{
    const GraphSceneState &state = *m_state;
    const StatePalette &palette = state.palette;
    const int ref = GraphSceneState::groupRef(m_group);
    const PaintFrame frame = beginPaint(painter, option, state, ref, state.key(ref));
    const StateStyle &style = frame.style;
    const QRectF &box = frame.box;
    if (frame.lod < kTextLod) {
        painter->setPen(Qt::NoPen);
        painter->setBrush(palette.border());
        painter->drawRect(box.translated(6, 6));
        paintCoarse(painter, box, style, state.key(ref),
                    state.model->graph().groupNames().value(m_group), frame.flags, frame.selected,
                    state, frame.lod);
        return;
    }
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setRenderHint(QPainter::TextAntialiasing);

    // A stack of cards: the group holds several nodes.
    painter->setPen(QPen(palette.border(), 1));
    painter->setBrush(palette.groupBase());
    painter->drawPath(state.boxPath.translated(8, 8));
    painter->drawPath(state.boxPath.translated(4, 4));
    paintCard(painter, state, style);

    const QString name = state.model->graph().groupNames().value(m_group);
    const QRectF titleRect(kTextLeft, kRow1, box.width() - kPad - kTextLeft, kRowHeight);
    painter->setFont(state.idFont);
    painter->setPen(palette.text());
    painter->drawText(
        titleRect, Qt::AlignLeft | Qt::AlignVCenter,
        QFontMetricsF(state.idFont)
            .elidedText(NodeItem::tr("%1 (group)").arg(name), Qt::ElideMiddle, titleRect.width()));
    const int count = state.groupSize(m_group);
    const QString words = NodeItem::nodeCount(count) + QStringLiteral(" \u00b7 ") +
                          NodeItem::tr("worst: %1").arg(style.label);
    const QRectF row(kTextLeft, kRow2, box.width() - kPad - kTextLeft, kRowHeight);
    painter->setFont(state.textFont);
    painter->setPen(palette.mutedText());
    painter->drawText(row, Qt::AlignLeft | Qt::AlignVCenter,
                      QFontMetricsF(state.textFont).elidedText(words, Qt::ElideRight, row.width()));

    paintOutline(painter, state, frame.flags, frame.selected);
}

// --- GraphSceneState -------------------------------------------------------

void GraphSceneState::updateGeometry()
{
    const QRectF box(QPointF(0, 0), nodeSize);
    boxPath = QPainterPath();
    boxPath.addRoundedRect(box, 6, 6);
    QPainterPath left;
    left.addRect(QRectF(0, 0, kStripe, nodeSize.height()));
    stripePath = boxPath.intersected(left);

    idFont = QFont();
    idFont.setPixelSize(kIdPixels);
    idFont.setBold(true);
    textFont = QFont();
    textFont.setPixelSize(11);
    glyphFont = QFont();
    glyphFont.setPixelSize(13);
    glyphFont.setBold(true);
    badgeFont = QFont();
    badgeFont.setPixelSize(11);
    badgeFont.setBold(true);
}

quint8 GraphSceneState::flags(int ref) const
{
    if (ref >= 0)
        return nodeFlags.value(ref);
    if (isGroupRef(ref))
        return groupFlags.value(groupOfRef(ref));
    return 0;
}

NodeState GraphSceneState::groupState(int group) const
{
    const engine::Graph &graph = model->graph();
    NodeState worst = NodeState::Succeeded;
    bool any = false;
    for (int i : graph.nodesInGroup(graph.groupNames().value(group))) {
        if (!shown.value(i))
            continue;
        worst = any ? StatePalette::worse(worst, model->node(i).state) : model->node(i).state;
        any = true;
    }
    return any ? worst : NodeState::Pending;
}

int GraphSceneState::groupSize(int group) const
{
    const engine::Graph &graph = model->graph();
    int count = 0;
    for (int i : graph.nodesInGroup(graph.groupNames().value(group)))
        count += shown.value(i) ? 1 : 0;
    return count;
}

StateKey GraphSceneState::key(int ref) const
{
    if (ref >= 0)
        return stateKey(model->node(ref));
    if (isGroupRef(ref))
        return stateKey(groupState(groupOfRef(ref)));
    return StateKey::Pending;
}

bool GraphSceneState::carriesFailure(int ref) const
{
    const StateKey k = key(ref);
    return k == StateKey::Failed || k == StateKey::UpstreamFailed;
}

bool GraphSceneState::edgeCarriesFailure(int fromRef, int toRef) const
{
    if (!isGroupRef(fromRef))
        return carriesFailure(fromRef);
    // From a group box: only the group's nodes that this edge stands for
    // (those the other end needs) count, not the group's worst state.
    const engine::Graph &graph = model->graph();
    auto failing = [this](int node) {
        const NodeState s = model->node(node).state;
        return s == NodeState::Failed || s == NodeState::UpstreamFailed;
    };
    auto fromNeeds = [&](int node) {
        for (int need : graph.needs(node)) {
            if (displayRef.value(need, kNone) == fromRef && failing(need))
                return true;
        }
        return false;
    };
    if (toRef >= 0)
        return fromNeeds(toRef);
    for (int node : graph.nodesInGroup(graph.groupNames().value(groupOfRef(toRef)))) {
        if (displayRef.value(node, kNone) == toRef && fromNeeds(node))
            return true;
    }
    return false;
}

} // namespace vouch::ui
