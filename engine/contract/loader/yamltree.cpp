// The loader's compact YAML tree (see yamltree.h).
#include "engine/contract/loader/yamltree.h"

#include <unordered_map>

namespace vouch::engine::loader {

// ---------------------------------------------------------------- YNode

YAML::NodeType::value YNode::Type() const
{
    if (!m_tree)
        return YAML::NodeType::Undefined;
    return YAML::NodeType::value(m_tree->m_cells[m_index].type);
}

std::string_view YNode::Scalar() const
{
    if (!IsScalar())
        return {};
    const YamlTree::Cell &cell = m_tree->m_cells[m_index];
    return std::string_view(m_tree->m_text).substr(cell.offset, cell.count);
}

YAML::Mark YNode::Mark() const
{
    if (!m_tree)
        return YAML::Mark::null_mark();
    const YamlTree::Cell &cell = m_tree->m_cells[m_index];
    YAML::Mark mark;
    mark.line = cell.line;
    mark.column = cell.column;
    return mark;
}

std::size_t YNode::size() const
{
    if (IsSequence())
        return m_tree->m_cells[m_index].count;
    if (IsMap())
        return m_tree->m_cells[m_index].count / 2;
    return 0;
}

YNode YNode::operator[](std::string_view key) const
{
    if (!IsMap())
        return {};
    for (auto it = begin(); it != end(); ++it) {
        if (it->first.IsScalar() && it->first.Scalar() == key)
            return it->second;
    }
    return {};
}

YNodeItem YNodeIterator::operator*() const
{
    YNodeItem item;
    if (m_map) {
        item.first = YNode(m_tree, m_at[0]);
        item.second = YNode(m_tree, m_at[1]);
    } else {
        static_cast<YNode &>(item) = YNode(m_tree, m_at[0]);
    }
    return item;
}

YNode::iterator YNode::begin() const
{
    if (!IsSequence() && !IsMap())
        return {m_tree, nullptr, false};
    const YamlTree::Cell &cell = m_tree->m_cells[m_index];
    return {m_tree, m_tree->m_children.data() + cell.offset, IsMap()};
}

YNode::iterator YNode::end() const
{
    if (!IsSequence() && !IsMap())
        return {m_tree, nullptr, false};
    const YamlTree::Cell &cell = m_tree->m_cells[m_index];
    return {m_tree, m_tree->m_children.data() + cell.offset + cell.count, IsMap()};
}

// ---------------------------------------------------------------- building

// Turns the parser's events into cells. Children wait on a stack until their
// collection ends, then move to the tree's children array as one run, so a
// collection's children are contiguous although events nest.
class YamlTreeBuilder : public YAML::EventHandler
{
public:
    explicit YamlTreeBuilder(YamlTree &tree)
        : m_tree(tree)
    {}

    void OnDocumentStart(const YAML::Mark &) override {}
    void OnDocumentEnd() override
    {
        if (!m_pending.empty())
            m_tree.m_root = m_pending.front();
        m_pending.clear();
        m_open.clear();
    }
    void OnNull(const YAML::Mark &mark, YAML::anchor_t anchor) override
    {
        place(add(YAML::NodeType::Null, mark, anchor));
    }
    void OnAlias(const YAML::Mark &, YAML::anchor_t anchor) override
    {
        // The parser refuses an alias to an undefined anchor before this.
        const auto it = m_anchors.find(anchor);
        if (it != m_anchors.end())
            place(it->second);
        else
            place(add(YAML::NodeType::Null, YAML::Mark::null_mark(), 0));
    }
    void OnScalar(const YAML::Mark &mark, const std::string &, YAML::anchor_t anchor,
                  const std::string &value) override
    {
        const std::uint32_t index = add(YAML::NodeType::Scalar, mark, anchor);
        YamlTree::Cell &cell = m_tree.m_cells[index];
        cell.offset = std::uint32_t(m_tree.m_text.size());
        cell.count = std::uint32_t(value.size());
        m_tree.m_text += value;
        place(index);
    }
    void OnSequenceStart(const YAML::Mark &mark, const std::string &, YAML::anchor_t anchor,
                         YAML::EmitterStyle::value) override
    {
        open(YAML::NodeType::Sequence, mark, anchor);
    }
    void OnSequenceEnd() override { close(); }
    void OnMapStart(const YAML::Mark &mark, const std::string &, YAML::anchor_t anchor,
                    YAML::EmitterStyle::value) override
    {
        open(YAML::NodeType::Map, mark, anchor);
    }
    void OnMapEnd() override { close(); }

private:
    std::uint32_t add(YAML::NodeType::value type, const YAML::Mark &mark, YAML::anchor_t anchor)
    {
        YamlTree::Cell cell;
        cell.type = std::uint8_t(type);
        cell.line = mark.line;
        cell.column = mark.column;
        const auto index = std::uint32_t(m_tree.m_cells.size());
        m_tree.m_cells.push_back(cell);
        if (anchor != 0)
            m_anchors[anchor] = index;
        return index;
    }
    void place(std::uint32_t index) { m_pending.push_back(index); }
    void open(YAML::NodeType::value type, const YAML::Mark &mark, YAML::anchor_t anchor)
    {
        m_open.push_back({add(type, mark, anchor), m_pending.size()});
    }
    void close()
    {
        if (m_open.empty())
            return;
        const Open top = m_open.back();
        m_open.pop_back();
        YamlTree::Cell &cell = m_tree.m_cells[top.index];
        std::size_t count = m_pending.size() - top.firstPending;
        // A mapping's children come in pairs; a key without its value (never
        // produced by the parser) is dropped rather than misread.
        if (cell.type == YAML::NodeType::Map)
            count -= count % 2;
        cell.offset = std::uint32_t(m_tree.m_children.size());
        cell.count = std::uint32_t(count);
        m_tree.m_children.insert(m_tree.m_children.end(),
                                 m_pending.begin() + std::ptrdiff_t(top.firstPending),
                                 m_pending.begin() + std::ptrdiff_t(top.firstPending + count));
        m_pending.resize(top.firstPending);
        place(top.index);
    }

    struct Open
    {
        std::uint32_t index;
        std::size_t firstPending;
    };

    YamlTree &m_tree;
    std::vector<std::uint32_t> m_pending;
    std::vector<Open> m_open;
    std::unordered_map<YAML::anchor_t, std::uint32_t> m_anchors;
};

YamlTree::YamlTree()
    : m_builder(std::make_unique<YamlTreeBuilder>(*this))
{}

YamlTree::~YamlTree() = default;

YAML::EventHandler &YamlTree::builder()
{
    return *m_builder;
}

YNode YamlTree::root() const
{
    if (m_root < 0)
        return {};
    return {this, std::uint32_t(m_root)};
}

} // namespace vouch::engine::loader
