// SPDX-License-Identifier: GPL-2.0-or-later
#include "decode_impl.hpp"
#include "describe_tariff.hpp"

namespace hub::ocpi {

std::string encode(const model::Tariff& v, Flavor f) { return detail::encode_object(v, f); }

template Decoded<model::Tariff> decode<model::Tariff>(std::string_view, DecodeOptions);

}  // namespace hub::ocpi
