// SPDX-License-Identifier: GPL-2.0-or-later
#include <routing/routing_table.hpp>

#include <gtest/gtest.h>

namespace {

using hub::model::Party;
using hub::model::PartyRef;
using hub::model::Protocol;
using hub::model::Role;
using hub::routing::RoutingTable;

Party party(std::string id, Protocol proto, std::vector<hub::model::PartyRole> roles) {
  Party p;
  p.id = std::move(id);
  p.name = p.id;
  p.protocol = proto;
  p.roles = std::move(roles);
  return p;
}

RoutingTable table() {
  auto cpo = party("p1", Protocol::ocpi, {{Role::cpo, {"DE", "ABC"}}});
  cpo.ocpi.token_c = "token-c-of-p1";
  auto emsp = party("p2", Protocol::ocpi, {{Role::emsp, {"NL", "XYZ"}}, {Role::cpo, {"NL", "XYZ"}}});
  emsp.ocpi.token_a = "token-a-of-p2";
  auto ochp = party("p3", Protocol::ochp, {{Role::emsp, {"DE", "8AA"}}});
  ochp.ochp.username = "emp-user";
  return RoutingTable({cpo, emsp, ochp}, 42);
}

TEST(RoutingTable, ResolvesByRoleAndPartyIdCaseInsensitively) {
  auto t = table();
  EXPECT_EQ(t.version(), 42u);
  ASSERT_NE(t.resolve(Role::cpo, {"DE", "ABC"}), nullptr);
  EXPECT_EQ(t.resolve(Role::cpo, {"de", "abc"})->id, "p1");
  EXPECT_EQ(t.resolve(Role::emsp, {"DE", "ABC"}), nullptr);  // role matters
  EXPECT_EQ(t.resolve(Role::cpo, {"NL", "XYZ"})->id, "p2");
  EXPECT_EQ(t.resolve(Role::emsp, {"NL", "XYZ"})->id, "p2");
  EXPECT_EQ(t.resolve(Role::cpo, {"DEU", "ABC"}), nullptr);
}

TEST(RoutingTable, TheHolderOfAReferenceAnyRole) {
  auto t = table();
  PartyRef role;
  auto* p = t.holder({"nl", "xyz"}, &role);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->id, "p2");
  EXPECT_EQ(role.country_code, "NL");  // as registered, not as asked
  EXPECT_EQ(role.party_id, "XYZ");
  EXPECT_EQ(t.holder({"DE", "8AA"})->id, "p3");
  EXPECT_EQ(t.holder({"DE", "ABD"}), nullptr);
  EXPECT_EQ(t.holder({"D", "EABC"}), nullptr);  // the parts do not run together
  // Two parties with one reference (different roles): the first in id order.
  auto a = party("b-second", Protocol::ocpi, {{Role::cpo, {"FR", "ONE"}}});
  auto b = party("a-first", Protocol::ocpi, {{Role::emsp, {"FR", "ONE"}}});
  RoutingTable two({a, b}, 1);
  EXPECT_EQ(two.holder({"FR", "ONE"})->id, "a-first");
}

TEST(RoutingTable, ResolvesEveryEmi3SpellingOfAnOperatorOrProvider) {
  auto t = table();
  for (auto prefix : {"DE*ABC", "DEABC", "DE-ABC", "de*abc"}) {
    ASSERT_NE(t.resolve_prefix(Role::cpo, prefix), nullptr) << prefix;
    EXPECT_EQ(t.resolve_prefix(Role::cpo, prefix)->id, "p1");
  }
  for (auto prefix : {"DE-8AA", "DE*8AA", "DE8AA"}) {
    ASSERT_NE(t.resolve_prefix(Role::emsp, prefix), nullptr) << prefix;
    EXPECT_EQ(t.resolve_prefix(Role::emsp, prefix)->id, "p3");
  }
  EXPECT_EQ(t.resolve_prefix(Role::cpo, "DE*AB"), nullptr);
  EXPECT_EQ(t.resolve_prefix(Role::cpo, "DE*ABC*E1"), nullptr);
}

TEST(RoutingTable, ResolvesEvseIdsToTheirOperator) {
  auto t = table();
  for (auto evse : {"DE*ABC*E123*1", "DEABCE1231", "DE-ABC-E123-1", "de*abc*e123*1"}) {
    ASSERT_NE(t.resolve_evse_operator(evse), nullptr) << evse;
    EXPECT_EQ(t.resolve_evse_operator(evse)->id, "p1");
  }
  EXPECT_EQ(t.resolve_evse_operator("DE*ABD*E123*1"), nullptr);  // unknown operator
  EXPECT_EQ(t.resolve_evse_operator("DE*ABC*X123"), nullptr);    // not an EVSE id
  EXPECT_EQ(t.resolve_evse_operator("garbage"), nullptr);
}

TEST(RoutingTable, ResolvesContractIdsToTheirProvider) {
  auto t = table();
  for (auto contract : {"DE*8AA*CA2B3C4D5*X", "DE8AACA2B3C4D5X", "DE-8AA-CA2B3C4D5-X"}) {
    ASSERT_NE(t.resolve_contract_provider(contract), nullptr) << contract;
    EXPECT_EQ(t.resolve_contract_provider(contract)->id, "p3");
  }
  EXPECT_EQ(t.resolve_contract_provider("NL*XYZ*C12345678*1")->id, "p2");
  EXPECT_EQ(t.resolve_contract_provider("FR*8AA*C12345678*1"), nullptr);
}

TEST(RoutingTable, FindsByIdCredentialsAndTokens) {
  auto t = table();
  EXPECT_EQ(t.find("p2")->name, "p2");
  EXPECT_EQ(t.find("nope"), nullptr);
  EXPECT_EQ(t.find_ochp_user("emp-user")->id, "p3");
  EXPECT_EQ(t.find_ochp_user("EMP-USER"), nullptr);
  EXPECT_EQ(t.find_ocpi_token("token-c-of-p1")->id, "p1");
  EXPECT_EQ(t.find_ocpi_token("token-a-of-p2")->id, "p2");
  EXPECT_EQ(t.find_ocpi_token(""), nullptr);
  // The Base64 form 2.2.1 peers send: found without decoding, and which token it was.
  ASSERT_NE(t.find_ocpi_presented("dG9rZW4tYy1vZi1wMQ==").party, nullptr);  // token-c-of-p1
  EXPECT_EQ(t.find_ocpi_presented("dG9rZW4tYy1vZi1wMQ==").party->id, "p1");
  EXPECT_FALSE(t.find_ocpi_presented("dG9rZW4tYy1vZi1wMQ==").token_a);
  ASSERT_NE(t.find_ocpi_presented("dG9rZW4tYS1vZi1wMg==").party, nullptr);  // token-a-of-p2
  EXPECT_EQ(t.find_ocpi_presented("dG9rZW4tYS1vZi1wMg==").party->id, "p2");
  EXPECT_TRUE(t.find_ocpi_presented("dG9rZW4tYS1vZi1wMg==").token_a);
  EXPECT_TRUE(t.find_ocpi_presented("token-c-of-p1").plain);  // found as issued, not as an encoding
  EXPECT_EQ(t.find_ocpi_presented("dG9rZW4tYy1vZi1wMQ").party, nullptr);  // unpadded: the caller decodes
}

TEST(RoutingTable, PresentedTokenIsFoundRawBeforeEncodedInOneLookup) {
  auto t = table();
  auto raw = t.find_ocpi_presented("token-a-of-p2");
  ASSERT_NE(raw.party, nullptr);
  EXPECT_EQ(raw.party->id, "p2");
  EXPECT_TRUE(raw.plain);
  EXPECT_TRUE(raw.token_a);
  auto encoded = t.find_ocpi_presented("dG9rZW4tYy1vZi1wMQ==");  // token-c-of-p1
  ASSERT_NE(encoded.party, nullptr);
  EXPECT_EQ(encoded.party->id, "p1");
  EXPECT_FALSE(encoded.plain);
  EXPECT_FALSE(encoded.token_a);
  EXPECT_EQ(t.find_ocpi_presented("dG9rZW4tYy1vZi1wMQ").party, nullptr);  // unpadded: the caller decodes
  EXPECT_EQ(t.find_ocpi_presented("").party, nullptr);

  // One party's raw token C is another's token A in Base64: the raw form wins, as it did when
  // the raw lookup came first.
  auto a = party("a", Protocol::ocpi, {{Role::cpo, {"DE", "AAA"}}});
  a.ocpi.token_c = "dG9rZW4tYi0x";  // base64("token-b-1")
  auto b = party("b", Protocol::ocpi, {{Role::emsp, {"DE", "BBB"}}});
  b.ocpi.token_a = "token-b-1";
  RoutingTable clash({b, a}, 1);
  auto both = clash.find_ocpi_presented("dG9rZW4tYi0x");
  ASSERT_NE(both.party, nullptr);
  EXPECT_EQ(both.party->id, "a");
  EXPECT_TRUE(both.plain);
  EXPECT_FALSE(both.token_a);
  // A token that is both a party's A and its C is taken as A, as find_ocpi_token's caller did.
  auto c = party("c", Protocol::ocpi, {{Role::cpo, {"DE", "CCC"}}});
  c.ocpi.token_a = c.ocpi.token_c = "same-token";
  RoutingTable same({c}, 1);
  EXPECT_TRUE(same.find_ocpi_presented("same-token").token_a);
  EXPECT_TRUE(same.find_ocpi_presented("c2FtZS10b2tlbg==").token_a);  // base64("same-token")
}

TEST(RoutingTable, EmptyTableResolvesNothing) {
  RoutingTable t;
  EXPECT_EQ(t.resolve(Role::cpo, {"DE", "ABC"}), nullptr);
  EXPECT_TRUE(t.parties().empty());
}

}  // namespace
