// BoxedOptional (engine/util/boxedoptional.h) stands in for std::optional on
// a contract's Node. What a user would notice if it were wrong: a copied
// contract (the app keeps one per open report, reruns keep the one that ran)
// sharing a threshold or dbt resource with the original, so that editing one
// changes the other, or a node losing its wait policy when copied or moved.

#include "engine/contract/contract.h"
#include "engine/util/boxedoptional.h"

#include <QTest>

using namespace vouch::engine;

class TestBoxedOptional : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void emptyByDefaultAndOnePointerWide()
    {
        BoxedOptional<DbtResource> box;
        QVERIFY(!box.has_value());
        QVERIFY(!box);
        QVERIFY(box == std::nullopt);
        QCOMPARE(sizeof(box), sizeof(void *));
        QVERIFY_THROWS_EXCEPTION(std::bad_optional_access, box.value());
    }

    void copiesAreDeep()
    {
        Node a;
        a.id = QStringLiteral("orders");
        a.dbt = DbtResource{};
        a.dbt->uniqueId = QStringLiteral("model.shop.orders");
        a.warnIf = Threshold::parse(u"> 5");
        QVERIFY(a.warnIf);

        Node b = a;
        b.dbt->uniqueId = QStringLiteral("model.shop.customers");
        b.warnIf.reset();
        QCOMPARE(a.dbt->uniqueId, QStringLiteral("model.shop.orders"));
        QVERIFY(a.warnIf.has_value());
        QCOMPARE(b.dbt->uniqueId, QStringLiteral("model.shop.customers"));

        Node c;
        c = a; // assignment too
        a.dbt->uniqueId = QStringLiteral("changed");
        QCOMPARE(c.dbt->uniqueId, QStringLiteral("model.shop.orders"));
    }

    void movesKeepTheValue()
    {
        QList<Node> nodes;
        Node n;
        n.wait = WaitPolicy{Duration(600), std::nullopt, Duration(3600)};
        nodes.append(std::move(n));
        for (int i = 0; i < 100; ++i) // grow the list: every node moves
            nodes.append(Node{});
        QVERIFY(nodes.first().wait.has_value());
        QCOMPARE(nodes.first().wait->every.count(), 600);
    }

    void convertsToAndFromStdOptional()
    {
        std::optional<Threshold> given = Threshold::parse(u"< 0");
        QVERIFY(given);
        BoxedOptional<Threshold> box = given;
        QVERIFY(box.has_value());
        const std::optional<Threshold> back = box;
        QVERIFY(back.has_value());
        QCOMPARE(back->text, given->text);

        box = std::nullopt;
        QVERIFY(!box);
        QVERIFY(!std::optional<Threshold>(box).has_value());
        QCOMPARE(box.value_or(*given).text, given->text);
        box.emplace(*given);
        QVERIFY(box);
    }
};

QTEST_GUILESS_MAIN(TestBoxedOptional)
#include "tst_boxedoptional.moc"
