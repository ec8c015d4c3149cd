// SPDX-License-Identifier: GPL-2.0-or-later
#include "decode_impl.hpp"
#include "describe_charging_profile.hpp"

namespace hub::ocpi {

std::string encode(const model::ChargingProfile& v, Flavor f) { return detail::encode_object(v, f); }
std::string encode(const model::SetChargingProfile& v, Flavor f) { return detail::encode_object(v, f); }
std::string encode(const model::ChargingProfileResponse& v, Flavor f) { return detail::encode_object(v, f); }
std::string encode(const model::ActiveChargingProfileResult& v, Flavor f) { return detail::encode_object(v, f); }
std::string encode(const model::ChargingProfileResult& v, Flavor f) { return detail::encode_object(v, f); }
std::string encode(const model::ActiveChargingProfile& v, Flavor f) { return detail::encode_object(v, f); }

template Decoded<model::ChargingProfile> decode<model::ChargingProfile>(std::string_view, DecodeOptions);
template Decoded<model::SetChargingProfile> decode<model::SetChargingProfile>(std::string_view, DecodeOptions);
template Decoded<model::ChargingProfileResponse> decode<model::ChargingProfileResponse>(std::string_view,
                                                                                      DecodeOptions);
template Decoded<model::ActiveChargingProfileResult> decode<model::ActiveChargingProfileResult>(std::string_view,
                                                                                              DecodeOptions);
template Decoded<model::ChargingProfileResult> decode<model::ChargingProfileResult>(std::string_view,
                                                                                  DecodeOptions);
template Decoded<model::ActiveChargingProfile> decode<model::ActiveChargingProfile>(std::string_view,
                                                                                  DecodeOptions);

}  // namespace hub::ocpi
