#pragma once

// Internal to the contract loader. A compact, read-only YAML tree built from
// one pass of yaml-cpp's event parser (YAML::Parser::HandleNextDocument), in
// place of yaml-cpp's DOM (YAML::Load): a 100,000-node contract makes about a
// million DOM nodes, each a few heap blocks behind shared pointers, which
// cost more than the parse itself to build and to free. Here every node is
// one 20-byte cell in a vector, scalars share one byte pool, and a
// collection's children are one run of indices.
//
// YNode mirrors the part of YAML::Node's interface the loader uses (IsMap,
// Scalar, Mark, size, iteration with it->first / it->second, map["key"]),
// with yaml-cpp's meaning for each, so that the walker and the readers read
// the same tree they read before: same types, same marks, same key order,
// duplicate keys kept, an alias the very node its anchor names.

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/node/type.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace vouch::engine::loader {

class YamlTree;
class YNodeIterator;

class YNode
{
public:
    YNode() = default; // undefined, as a missing key's YAML::Node
    YNode(const YamlTree *tree, std::uint32_t index)
        : m_tree(tree)
        , m_index(index)
    {}

    bool IsDefined() const { return m_tree != nullptr; }
    YAML::NodeType::value Type() const;
    bool IsNull() const { return Type() == YAML::NodeType::Null; }
    bool IsScalar() const { return Type() == YAML::NodeType::Scalar; }
    bool IsSequence() const { return Type() == YAML::NodeType::Sequence; }
    bool IsMap() const { return Type() == YAML::NodeType::Map; }
    // The text of a scalar; empty for anything else (as yaml-cpp).
    std::string_view Scalar() const;
    YAML::Mark Mark() const;
    // Items of a sequence, pairs of a mapping, 0 for anything else.
    std::size_t size() const;
    // The value of a mapping's first scalar key equal to `key`; undefined
    // when there is none or this is not a mapping.
    YNode operator[](std::string_view key) const;

    using iterator = YNodeIterator;
    iterator begin() const;
    iterator end() const;

private:
    const YamlTree *m_tree = nullptr;
    std::uint32_t m_index = 0;
};

// What iterating a YNode yields, as yaml-cpp's iterator_value: the item
// itself for a sequence, `first` (key) and `second` (value) for a mapping.
struct YNodeItem : YNode
{
    YNode first;
    YNode second;
    const YNodeItem *operator->() const { return this; }
};

class YNodeIterator
{
public:
    YNodeIterator(const YamlTree *tree, const std::uint32_t *at, bool map)
        : m_tree(tree)
        , m_at(at)
        , m_map(map)
    {}
    YNodeItem operator*() const;
    YNodeItem operator->() const { return **this; }
    YNodeIterator &operator++()
    {
        m_at += m_map ? 2 : 1;
        return *this;
    }
    bool operator==(const YNodeIterator &other) const { return m_at == other.m_at; }
    bool operator!=(const YNodeIterator &other) const { return m_at != other.m_at; }

private:
    const YamlTree *m_tree;
    const std::uint32_t *m_at;
    bool m_map;
};

// The tree of one YAML document. Fill it by passing builder() to
// YAML::Parser::HandleNextDocument; root() is undefined when no document
// was found.
class YamlTree
{
public:
    YamlTree();
    ~YamlTree();
    YamlTree(const YamlTree &) = delete;
    YamlTree &operator=(const YamlTree &) = delete;

    YAML::EventHandler &builder();
    YNode root() const;

private:
    friend class YNode;
    friend class YamlTreeBuilder;

    struct Cell
    {
        std::uint8_t type = YAML::NodeType::Null;
        std::int32_t line = 0;
        std::int32_t column = 0;
        // A scalar: offset and length in m_text. A collection: offset and
        // count in m_children (a mapping's as key, value, key, value...).
        std::uint32_t offset = 0;
        std::uint32_t count = 0;
    };

    std::vector<Cell> m_cells;
    std::vector<std::uint32_t> m_children;
    std::string m_text;
    std::int64_t m_root = -1;
    std::unique_ptr<YAML::EventHandler> m_builder;
};

} // namespace vouch::engine::loader
