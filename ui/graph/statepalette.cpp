#include "ui/graph/statepalette.h"

#include "ui/model/runmodel.h"

#include <QPalette>

#include <cmath>

namespace vouch::ui {

using engine::Freshness;
using engine::NodeState;

namespace {

QColor mix(const QColor &a, const QColor &b, double t)
{
    return QColor::fromRgbF(float(a.redF() * (1 - t) + b.redF() * t),
                            float(a.greenF() * (1 - t) + b.greenF() * t),
                            float(a.blueF() * (1 - t) + b.blueF() * t));
}

// Relative luminance (WCAG), to pick black or white ink on a colour.
double luminance(const QColor &c)
{
    auto channel = [](double v) {
        return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF());
}

struct Row
{
    StateKey key;
    const char *light;
    const char *dark;
    const char16_t *glyph;
    const char *name;
};

// Okabe & Ito (2008), "Color Universal Design": orange #E69F00, sky blue
// #56B4E9, bluish green #009E73, yellow #F0E442, blue #0072B2, vermillion
// #D55E00, reddish purple #CC79A7. Upstream-failed is a vermillion tint (a
// failure, but not this node's); the quiet states are greys of different
// lightness and differ by glyph. The dark variant lightens what would sink
// into a dark background.
constexpr Row kRows[] = {
    {StateKey::Pending, "#c4c4c4", "#6b6b6b", u"\u00b7", "pending"},
    {StateKey::Queued, "#8f8f8f", "#9a9a9a", u"\u25f7", "queued"},
    {StateKey::Running, "#0072b2", "#3d9be0", u"\u25b6", "running"},
    {StateKey::Retrying, "#f0e442", "#f0e442", u"\u21bb", "retrying"},
    {StateKey::Succeeded, "#009e73", "#1fb58a", u"\u2714", "succeeded"},
    {StateKey::Warned, "#e69f00", "#e69f00", u"\u26a0", "warned"},
    {StateKey::Failed, "#d55e00", "#ef6f1a", u"\u2716", "failed"},
    {StateKey::UpstreamFailed, "#efb48a", "#b97a55", u"\u2298", "upstream_failed"},
    {StateKey::Skipped, "#a8a8a8", "#808080", u"\u21b7", "skipped"},
    {StateKey::Cancelled, "#595959", "#b0b0b0", u"\u25a0", "cancelled"},
    {StateKey::Interrupted, "#cc79a7", "#d98cba", u"\u21af", "interrupted"},
    {StateKey::Waiting, "#56b4e9", "#56b4e9", u"\u22ef", "waiting"},
    {StateKey::Fresh, "#009e73", "#1fb58a", u"\u2714", "fresh"},
    {StateKey::StaleWarn, "#e69f00", "#e69f00", u"\u26a0", "stale_warn"},
    {StateKey::StaleError, "#d55e00", "#ef6f1a", u"\u2716", "stale_error"},
};
static_assert(std::size(kRows) == std::size_t(kStateKeyCount));

QString labelOf(StateKey key)
{
    switch (key) {
    case StateKey::Pending:
        return StatePalette::tr("pending");
    case StateKey::Queued:
        return StatePalette::tr("queued");
    case StateKey::Running:
        return StatePalette::tr("running");
    case StateKey::Retrying:
        return StatePalette::tr("retrying");
    case StateKey::Succeeded:
        return StatePalette::tr("succeeded");
    case StateKey::Warned:
        return StatePalette::tr("warned");
    case StateKey::Failed:
        return StatePalette::tr("failed");
    case StateKey::UpstreamFailed:
        return StatePalette::tr("upstream failed");
    case StateKey::Skipped:
        return StatePalette::tr("skipped");
    case StateKey::Cancelled:
        return StatePalette::tr("cancelled");
    case StateKey::Interrupted:
        return StatePalette::tr("interrupted");
    case StateKey::Waiting:
        return StatePalette::tr("waiting");
    case StateKey::Fresh:
        return StatePalette::tr("fresh");
    case StateKey::StaleWarn:
        return StatePalette::tr("stale (warning)");
    case StateKey::StaleError:
        return StatePalette::tr("stale (error)");
    }
    Q_UNREACHABLE();
}

} // namespace

StateKey stateKey(NodeState state)
{
    switch (state) {
    case NodeState::Pending:
        return StateKey::Pending;
    case NodeState::Queued:
        return StateKey::Queued;
    case NodeState::Running:
        return StateKey::Running;
    case NodeState::Retrying:
        return StateKey::Retrying;
    case NodeState::Succeeded:
        return StateKey::Succeeded;
    case NodeState::Warned:
        return StateKey::Warned;
    case NodeState::Failed:
        return StateKey::Failed;
    case NodeState::UpstreamFailed:
        return StateKey::UpstreamFailed;
    case NodeState::Skipped:
        return StateKey::Skipped;
    case NodeState::Cancelled:
        return StateKey::Cancelled;
    case NodeState::Interrupted:
        return StateKey::Interrupted;
    }
    Q_UNREACHABLE();
}

StateKey stateKey(Freshness freshness)
{
    switch (freshness) {
    case Freshness::Unknown:
        return StateKey::Pending;
    case Freshness::Fresh:
        return StateKey::Fresh;
    case Freshness::StaleWarn:
        return StateKey::StaleWarn;
    case Freshness::StaleError:
        return StateKey::StaleError;
    }
    Q_UNREACHABLE();
}

StateKey stateKey(const NodeView &node)
{
    return node.waiting ? StateKey::Waiting : stateKey(node.state);
}

StatePalette::StatePalette(Variant variant)
    : m_variant(variant)
{
    const bool dark = variant == Variant::Dark;
    m_nodeBase = dark ? QColor(0x2b, 0x2f, 0x33) : QColor(0xff, 0xff, 0xff);
    m_text = dark ? QColor(0xec, 0xec, 0xec) : QColor(0x1d, 0x1d, 0x1f);
    m_mutedText = dark ? QColor(0xa8, 0xa8, 0xa8) : QColor(0x5f, 0x5f, 0x66);
    m_border = dark ? QColor(0x5a, 0x5f, 0x66) : QColor(0xb4, 0xb8, 0xbe);
    m_edge = dark ? QColor(0x8a, 0x90, 0x98) : QColor(0x80, 0x86, 0x8e);
    m_highlight = dark ? QColor(0x7c, 0xc4, 0xff) : QColor(0x1a, 0x4f, 0xd6);
    m_match = dark ? QColor(0xf0, 0xe4, 0x42) : QColor(0x1a, 0x4f, 0xd6);
    m_groupBase = dark ? QColor(0x35, 0x3a, 0x40) : QColor(0xf2, 0xf3, 0xf5);
    for (const Row &row : kRows) {
        StateStyle &s = m_styles[std::size_t(row.key)];
        s.colour = QColor(QLatin1String(dark ? row.dark : row.light));
        s.fill = mix(m_nodeBase, s.colour, dark ? 0.28 : 0.16);
        s.ink = luminance(s.colour) > 0.33 ? QColor(0x11, 0x11, 0x11) : QColor(Qt::white);
        s.glyph = QString::fromUtf16(row.glyph);
        s.name = QLatin1String(row.name);
        s.label = labelOf(row.key);
    }
}

StatePalette StatePalette::forPalette(const QPalette &palette)
{
    return StatePalette(palette.color(QPalette::Window).lightness() < 128 ? Variant::Dark
                                                                          : Variant::Light);
}

QList<LegendEntry> StatePalette::legend() const
{
    static constexpr StateKey order[] = {
        StateKey::Succeeded, StateKey::Warned,    StateKey::Failed,     StateKey::UpstreamFailed,
        StateKey::Running,   StateKey::Retrying,  StateKey::Waiting,    StateKey::Queued,
        StateKey::Pending,   StateKey::Skipped,   StateKey::Cancelled,  StateKey::Interrupted,
        StateKey::Fresh,     StateKey::StaleWarn, StateKey::StaleError,
    };
    QList<LegendEntry> entries;
    for (StateKey key : order) {
        const StateStyle &s = style(key);
        entries.append({key, s.glyph, s.colour, s.label});
    }
    return entries;
}

int StatePalette::severity(NodeState state)
{
    switch (state) {
    case NodeState::Failed:
        return 10;
    case NodeState::Interrupted:
        return 9;
    case NodeState::UpstreamFailed:
        return 8;
    case NodeState::Cancelled:
        return 7;
    case NodeState::Warned:
        return 6;
    case NodeState::Retrying:
        return 5;
    case NodeState::Running:
        return 4;
    case NodeState::Queued:
        return 3;
    case NodeState::Pending:
        return 2;
    case NodeState::Skipped:
        return 1;
    case NodeState::Succeeded:
        return 0;
    }
    Q_UNREACHABLE();
}

NodeState StatePalette::worse(NodeState a, NodeState b)
{
    return severity(b) > severity(a) ? b : a;
}

} // namespace vouch::ui
