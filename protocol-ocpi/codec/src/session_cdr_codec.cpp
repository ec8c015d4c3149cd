// SPDX-License-Identifier: GPL-2.0-or-later
#include "decode_impl.hpp"
#include "describe_session.hpp"

namespace hub::ocpi {

std::string encode(const model::Session& v, Flavor f) { return detail::encode_object(v, f); }
std::string encode(const model::Cdr& v, Flavor f) { return detail::encode_object(v, f); }

template Decoded<model::Session> decode<model::Session>(std::string_view, DecodeOptions);
template Decoded<model::Cdr> decode<model::Cdr>(std::string_view, DecodeOptions);

}  // namespace hub::ocpi
