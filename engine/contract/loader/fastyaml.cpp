// The fast path of the contract parse: libyaml's event parser (about ten
// times yaml-cpp's speed) fills the loader's YamlTree, for the plain YAML
// contracts are written in. Whatever lies outside that subset, and every
// error, is left to yaml-cpp (contractloader.cpp), whose reading, marks and
// messages are the loader's specification: this path only ever produces
// the tree yaml-cpp would have produced, or gives up.
#include "engine/contract/loader/loaderstate.h"

#include <yaml.h>

#include <cstring>
#include <memory>

namespace vouch::engine::loader {

namespace {

// yaml-cpp reads these untagged plain scalars as null (IsNullString).
bool isNullText(const char *text, std::size_t length)
{
    const std::string_view s(text, length);
    return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
}

YAML::Mark markOf(const yaml_mark_t &m)
{
    YAML::Mark mark;
    mark.pos = int(m.index);
    mark.line = int(m.line);
    mark.column = int(m.column);
    return mark;
}

// Text libyaml and yaml-cpp are not known to read alike, or to mark alike
// (the events are checked for anchors, aliases, tags, directives and block
// scalars below): a byte-order mark or any non-ASCII byte (yaml-cpp counts
// columns in bytes, libyaml in characters), tabs and carriage returns
// (separation and line counting), backslashes (escapes), explicit `?` keys,
// and a last line without its newline (yaml-cpp marks an empty value there
// at the start of that line). False alarms only cost speed.
bool plainEnough(const QByteArray &text)
{
    if (text.isEmpty() || !text.endsWith('\n') || text.startsWith('%'))
        return false;
    const char *p = text.constData();
    const char *const end = p + text.size();
    for (; p < end; ++p) {
        const auto c = static_cast<unsigned char>(*p);
        if (c >= 0x80 || c == '\t' || c == '\r' || c == '\\')
            return false;
        if (c == '?' && p + 1 < end && (p[1] == ' ' || p[1] == '\n'))
            return false;
    }
    return true;
}

struct Parser
{
    yaml_parser_t parser{};
    bool ready = false;
    Parser() { ready = yaml_parser_initialize(&parser) != 0; }
    ~Parser()
    {
        if (ready)
            yaml_parser_delete(&parser);
    }
};

struct Event
{
    yaml_event_t event{};
    bool held = false;
    ~Event() { clear(); }
    void clear()
    {
        if (held)
            yaml_event_delete(&event);
        held = false;
    }
};

} // namespace

bool readPlainYaml(const QByteArray &text, YamlTree &tree)
{
    if (!plainEnough(text))
        return false;
    Parser p;
    if (!p.ready)
        return false;
    yaml_parser_set_input_string(&p.parser, reinterpret_cast<const unsigned char *>(text.data()),
                                 std::size_t(text.size()));
    YAML::EventHandler &out = tree.builder();
    int documents = 0;
    // Which collection is open, and whether a mapping waits for a key: a
    // collection as a key is yaml-cpp's to read.
    std::vector<bool> inMap;
    std::vector<bool> atKey;
    // An empty value is null; yaml-cpp marks it where the next token
    // starts, so it is given to the tree when the next event comes.
    bool emptyPending = false;
    Event e;
    while (true) {
        e.clear();
        if (!yaml_parser_parse(&p.parser, &e.event))
            return false;
        e.held = true;
        const yaml_event_t &ev = e.event;
        if (emptyPending) {
            out.OnNull(markOf(ev.start_mark), YAML::NullAnchor);
            emptyPending = false;
        }
        const bool keyPlace = !inMap.empty() && inMap.back() && atKey.back();
        const auto placed = [&] {
            if (!inMap.empty() && inMap.back())
                atKey.back() = !atKey.back();
        };
        switch (ev.type) {
        case YAML_STREAM_START_EVENT:
            break;
        case YAML_STREAM_END_EVENT:
            return documents == 1;
        case YAML_DOCUMENT_START_EVENT:
            if (++documents > 1 || ev.data.document_start.version_directive ||
                ev.data.document_start.tag_directives.start !=
                    ev.data.document_start.tag_directives.end)
                return false; // a second document: yaml-cpp says where
            out.OnDocumentStart(markOf(ev.start_mark));
            break;
        case YAML_DOCUMENT_END_EVENT:
            out.OnDocumentEnd();
            break;
        case YAML_ALIAS_EVENT:
            return false;
        case YAML_SCALAR_EVENT: {
            const auto &s = ev.data.scalar;
            if (s.anchor || s.tag || ev.start_mark.line != ev.end_mark.line)
                return false;
            const char *value = reinterpret_cast<const char *>(s.value);
            if (s.style == YAML_PLAIN_SCALAR_STYLE) {
                if (s.length == 0 && ev.start_mark.index == ev.end_mark.index) {
                    if (keyPlace)
                        return false; // an empty key
                    emptyPending = true;
                } else if (isNullText(value, s.length)) {
                    out.OnNull(markOf(ev.start_mark), YAML::NullAnchor);
                } else {
                    out.OnScalar(markOf(ev.start_mark), "?", YAML::NullAnchor,
                                 std::string(value, s.length));
                }
            } else if (s.style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
                       s.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE) {
                out.OnScalar(markOf(ev.start_mark), "!", YAML::NullAnchor,
                             std::string(value, s.length));
            } else {
                return false; // block scalars
            }
            placed();
            break;
        }
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT: {
            const bool map = ev.type == YAML_MAPPING_START_EVENT;
            const auto anchor = map ? ev.data.mapping_start.anchor : ev.data.sequence_start.anchor;
            const auto tag = map ? ev.data.mapping_start.tag : ev.data.sequence_start.tag;
            if (anchor || tag || keyPlace)
                return false;
            placed();
            if (map)
                out.OnMapStart(markOf(ev.start_mark), "?", YAML::NullAnchor,
                               YAML::EmitterStyle::Default);
            else
                out.OnSequenceStart(markOf(ev.start_mark), "?", YAML::NullAnchor,
                                    YAML::EmitterStyle::Default);
            inMap.push_back(map);
            atKey.push_back(true);
            break;
        }
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            if (inMap.empty())
                return false;
            if (ev.type == YAML_MAPPING_END_EVENT)
                out.OnMapEnd();
            else
                out.OnSequenceEnd();
            inMap.pop_back();
            atKey.pop_back();
            break;
        case YAML_NO_EVENT:
            return false;
        }
    }
}

} // namespace vouch::engine::loader
