// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Private: conversions between the gSOAP-generated OCHP structs (namespace ochp_gsoap) and the
// public message structs of <ochp/codec.hpp>. Only codec.cpp and convert.cpp include this.

#include <ochp/codec.hpp>

#include "ochp_gsoapH.h"

#include <memory>
#include <string>
#include <vector>

/// X(enumerator, XSD element base name, public struct base name, WSDL operation name, SOAPAction)
#define HUB_OCHP_OPERATIONS(X)                                                                                    \
  X(set_charge_point_list, SetChargePointList, SetChargePointList, "SetChargepointList",                          \
    "http://ochp.eu/1.4/SetChargepointList")                                                                      \
  X(update_charge_point_list, UpdateChargePointList, UpdateChargePointList, "UpdateChargePointList",              \
    "http://ochp.eu/1.4/UpdateChargePointList")                                                                   \
  X(get_charge_point_list, GetChargePointList, GetChargePointList, "GetChargePointList",                          \
    "http://ochp.eu/1.4/GetChargePointList")                                                                      \
  X(get_charge_point_list_updates, GetChargePointListUpdates, GetChargePointListUpdates,                         \
    "GetChargePointListUpdates", "http://ochp.eu/1.4/GetChargePointListUpdates")                                  \
  X(set_roaming_authorisation_list, SetRoamingAuthorisationList, SetRoamingAuthorisationList,                    \
    "SetRoamingAuthorisationList", "http://ochp.eu/1.4/SetRoamingAuthorisationList")                              \
  X(update_roaming_authorisation_list, UpdateRoamingAuthorisationList, UpdateRoamingAuthorisationList,           \
    "UpdateRoamingAuthorisationList", "http://ochp.eu/1.4/UpdateRoamingAuthorisationList")                        \
  X(get_roaming_authorisation_list, GetRoamingAuthorisationList, GetRoamingAuthorisationList,                    \
    "GetRoamingAuthorisationList", "http://ochp.eu/1.4/GetRoamingAuthorisationList")                              \
  X(get_roaming_authorisation_list_updates, GetRoamingAuthorisationListUpdates,                                   \
    GetRoamingAuthorisationListUpdates, "GetRoamingAuthorisationListUpdates",                                     \
    "http://ochp.eu/1.4/GetRoamingAuthorisationListUpdates")                                                      \
  X(get_single_roaming_authorisation, GetSingleRoamingAuthorisation, GetSingleRoamingAuthorisation,              \
    "GetSingleRoamingAuthorisation", "http://ochp.eu/1.4/GetSingleRoamingAuthorisation")                          \
  X(add_cdrs, AddCDRs, AddCdrs, "AddCDRs", "http://ochp.eu/1.4/AddCDRs")                                          \
  X(check_cdrs, CheckCDRs, CheckCdrs, "CheckCDRs", "http://ochp.eu/1.4/CheckCDRs")                                \
  X(get_cdrs, GetCDRs, GetCdrs, "GetCDRs", "http://ochp.eu/1.4/GetCDRs")                                          \
  X(confirm_cdrs, ConfirmCDRs, ConfirmCdrs, "ConfirmCDRs", "http://ochp.eu/1.4/ConfirmCDRs")                      \
  X(update_tariffs, UpdateTariffs, UpdateTariffs, "UpdateTariffs", "http://ochp.eu/1.4/UpdateTariffs")            \
  X(get_tariff_updates, GetTariffUpdates, GetTariffUpdates, "GetTariffUpdates",                                   \
    "http://ochp.eu/1.4/GetTariffUpdates")                                                                        \
  X(update_status, UpdateStatus, UpdateStatus, "UpdateStatus", "http://ochp.e-clearing.net/service/UpdateStatus") \
  X(get_status, GetStatus, GetStatus, "GetStatus", "http://ochp.e-clearing.net/service/GetStatus")                \
  X(add_service_endpoints, AddServiceEndpoints, AddServiceEndpoints, "AddServiceEndpoints",                       \
    "http://ochp.eu/direct/0.2/AddServiceEndpoints")                                                              \
  X(get_service_endpoints, GetServiceEndpoints, GetServiceEndpoints, "GetServiceEndpoints",                       \
    "http://ochp.eu/direct/0.2/GetServiceEndpoints")

namespace hub::ochp::detail {

namespace g = ::ochp_gsoap;

/// Owns the objects that optional (pointer) members of gSOAP structs point to while encoding.
/// Thread safety: none; one per encode call.
class Arena {
 public:
  /// Moves `value` into the arena and returns a stable pointer to it.
  template <class T>
  T* make(T value) {
    auto* p = new T(std::move(value));
    items_.emplace_back(p, [](void* q) { delete static_cast<T*>(q); });
    return p;
  }

 private:
  std::vector<std::unique_ptr<void, void (*)(void*)>> items_;
};

/// Collects the first validation error while decoding. Thread safety: none; one per decode.
class Decoder {
 public:
  /// Records a failure (the first one wins).
  void fail(std::string what);
  /// True while no failure was recorded.
  bool ok() const noexcept { return ok_; }
  /// The first failure's description.
  const std::string& what() const noexcept { return what_; }

 private:
  bool ok_ = true;
  std::string what_;
};

// One decode/encode pair per message element.
#define HUB_OCHP_DECLARE(op, elem, pub, name, action)                                                   \
  pub##Request decode(Decoder& d, const g::_ochp__##elem##Request& in);                                 \
  pub##Response decode(Decoder& d, const g::_ochp__##elem##Response& in);                               \
  void encode(Arena& a, const pub##Request& in, g::_ochp__##elem##Request& out);                         \
  void encode(Arena& a, const pub##Response& in, g::_ochp__##elem##Response& out);
HUB_OCHP_OPERATIONS(HUB_OCHP_DECLARE)
#undef HUB_OCHP_DECLARE

}  // namespace hub::ochp::detail
