// SPDX-License-Identifier: GPL-2.0-or-later
// Precompiled header for the transport layer: Beast, Asio and OpenSSL are the slow part of every TU.
#pragma once
#include <boost/asio.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
