// SPDX-License-Identifier: GPL-2.0-or-later
#include "decode_impl.hpp"
#include "describe_location.hpp"

namespace hub::ocpi {

std::string encode(const model::Location& v, Flavor f) { return detail::encode_object(v, f); }
std::string encode(const model::Evse& v, Flavor f) { return detail::encode_object(v, f); }
std::string encode(const model::Connector& v, Flavor f) { return detail::encode_object(v, f); }
std::string encode(const model::EvseStatusUpdate& v, Flavor f) { return detail::encode_object(v, f); }

template Decoded<model::Location> decode<model::Location>(std::string_view, DecodeOptions);
template Decoded<model::Evse> decode<model::Evse>(std::string_view, DecodeOptions);
template Decoded<model::Connector> decode<model::Connector>(std::string_view, DecodeOptions);
template Decoded<model::EvseStatusUpdate> decode<model::EvseStatusUpdate>(std::string_view, DecodeOptions);

}  // namespace hub::ocpi
