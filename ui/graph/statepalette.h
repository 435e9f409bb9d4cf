#pragma once

#include "engine/graph/nodestate.h"

#include <QColor>
#include <QCoreApplication>
#include <QList>
#include <QString>

#include <array>

class QPalette;

namespace vouch::ui {

struct NodeView;

// Everything the UI can show about a node's state: the engine's states, the
// "waiting" pseudo-state (a late source being polled) and a freshness source's
// verdict.
enum class StateKey
{
    Pending,
    Queued,
    Running,
    Retrying,
    Succeeded,
    Warned,
    Failed,
    UpstreamFailed,
    Skipped,
    Cancelled,
    Interrupted,
    Waiting,
    Fresh,
    StaleWarn,
    StaleError,
};
inline constexpr int kStateKeyCount = int(StateKey::StaleError) + 1;

StateKey stateKey(engine::NodeState state);
// Unknown freshness has no verdict yet: shown as pending.
StateKey stateKey(engine::Freshness freshness);
// The node's state, or Waiting while a late source is polled.
StateKey stateKey(const NodeView &node);

struct StateStyle
{
    QColor colour; // the state's colour: stripes, badges, minimap
    QColor fill;   // the node box's background, a tint of `colour`
    QColor ink;    // text and glyphs drawn on `colour`
    QString glyph; // one character; colour is never the only signal
    QString name;  // the engine's word ("upstream_failed"), not translated
    QString label; // for people, translated ("upstream failed")
};

struct LegendEntry
{
    StateKey key;
    QString glyph;
    QColor colour;
    QString label;
};

// Colour and glyph of every state, on a colour-blind-safe palette (Okabe-Ito,
// with a tint and greys of different lightness where it runs out of hues; the
// glyph tells apart what the colour cannot). Light and dark variants; the
// variant follows the window colour of the application palette. A value:
// cheap to copy, GUI thread or not.
class StatePalette
{
    Q_DECLARE_TR_FUNCTIONS(vouch::ui::StatePalette)

public:
    enum class Variant
    {
        Light,
        Dark
    };

    explicit StatePalette(Variant variant = Variant::Light);
    // Dark when the palette's window colour is dark.
    static StatePalette forPalette(const QPalette &palette);

    Variant variant() const { return m_variant; }
    bool isDark() const { return m_variant == Variant::Dark; }

    const StateStyle &style(StateKey key) const { return m_styles.at(std::size_t(key)); }
    const StateStyle &style(engine::NodeState state) const { return style(stateKey(state)); }
    const StateStyle &style(engine::Freshness freshness) const
    {
        return style(stateKey(freshness));
    }

    // The rest of the graph's colours, matching the variant.
    QColor nodeBase() const { return m_nodeBase; }
    QColor text() const { return m_text; }
    QColor mutedText() const { return m_mutedText; }
    QColor border() const { return m_border; }
    QColor edge() const { return m_edge; }
    QColor failureEdge() const { return style(StateKey::Failed).colour; }
    QColor highlight() const { return m_highlight; }
    QColor match() const { return m_match; }
    QColor groupBase() const { return m_groupBase; }

    // Every state once, in reading order, for a legend in the UI.
    QList<LegendEntry> legend() const;

    // How bad a state is, for a group's "worst state": failed is worst,
    // succeeded best; unfinished work ranks between problems and success.
    static int severity(engine::NodeState state);
    static engine::NodeState worse(engine::NodeState a, engine::NodeState b);

private:
    Variant m_variant;
    std::array<StateStyle, kStateKeyCount> m_styles;
    QColor m_nodeBase;
    QColor m_text;
    QColor m_mutedText;
    QColor m_border;
    QColor m_edge;
    QColor m_highlight;
    QColor m_match;
    QColor m_groupBase;
};

} // namespace vouch::ui
