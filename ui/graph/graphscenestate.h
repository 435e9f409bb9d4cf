#pragma once

#include "engine/graph/nodestate.h"
#include "ui/graph/statepalette.h"

#include <QFont>
#include <QList>
#include <QPainterPath>
#include <QSizeF>

#include <limits>

namespace vouch::ui {

class RunModel;

// What the graph's items read besides the model: the view-side emphasis
// (hover path, search matches, selection), which nodes the current projection
// shows, the palette and the fonts. Owned by GraphView, on the GUI thread;
// items keep a pointer to it and their own node (or group) index, never a copy
// of a node's state.
//
// An item is addressed by an element reference: a node index (>= 0) or a
// collapsed group, -1 - (index in Graph::groupNames()).
struct GraphSceneState
{
    enum Flag : quint8
    {
        Dimmed = 1,  // outside the hovered path or the search matches
        Matched = 2, // matches the search text
        OnPath = 4,  // upstream or downstream of the hovered node
    };
    static constexpr int kNone = std::numeric_limits<int>::min();

    static int groupRef(int group) { return -1 - group; }
    static bool isGroupRef(int ref) { return ref < 0 && ref != kNone; }
    static int groupOfRef(int ref) { return -1 - ref; }

    const RunModel *model = nullptr;
    StatePalette palette;
    QSizeF nodeSize{268, 60};
    QPainterPath boxPath;    // the node box, at (0, 0)
    QPainterPath stripePath; // its left stripe
    QFont idFont;
    QFont textFont;
    QFont glyphFont;
    QFont badgeFont;

    QList<quint8> nodeFlags;  // by node index
    QList<quint8> groupFlags; // by group index
    QList<bool> shown;        // by node index: on the current (filtered) path
    QList<int> displayRef;    // by node index: the element showing it, or kNone
    int selected = kNone;     // element reference

    // Recomputes the box paths and fonts after nodeSize changed.
    void updateGeometry();

    quint8 flags(int ref) const;
    bool isSelected(int ref) const { return ref != kNone && ref == selected; }
    // The worst state among the group's shown nodes, and how many there are.
    engine::NodeState groupState(int group) const;
    int groupSize(int group) const;
    // The state an element shows: a node's own (waiting included), a group's worst.
    StateKey key(int ref) const;
    // Failed or upstream-failed: its outgoing edges carry the failure on.
    bool carriesFailure(int ref) const;
    // An edge between two elements carries a failure: its upstream end failed
    // or is upstream-failed; for a group box, one of the group's nodes that
    // the downstream end needs.
    bool edgeCarriesFailure(int fromRef, int toRef) const;
};

} // namespace vouch::ui
