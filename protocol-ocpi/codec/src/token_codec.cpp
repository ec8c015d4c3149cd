// SPDX-License-Identifier: GPL-2.0-or-later
#include "decode_impl.hpp"
#include "describe_token.hpp"

namespace hub::ocpi {

std::string encode(const model::Token& v, Flavor f) { return detail::encode_object(v, f); }
std::string encode(const model::AuthorizationInfo& v, Flavor f) { return detail::encode_object(v, f); }

template Decoded<model::Token> decode<model::Token>(std::string_view, DecodeOptions);
template Decoded<model::AuthorizationInfo> decode<model::AuthorizationInfo>(std::string_view, DecodeOptions);

}  // namespace hub::ocpi
