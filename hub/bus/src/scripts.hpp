// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

/// The bus's Lua scripts: each runs atomically in Redis, so an event, its object state and the
/// lane's activity flag change together or not at all.
namespace hub::bus::scripts {

// KEYS: lane stream, object state hash, active set
// ARGV: source, kind, key, payload, accepted_at_ms, digest, state_ttl_s (0: none), notify channel, stream
// Returns {1, entry id} when queued, {0, id of the earlier entry} for a repeated state.
inline constexpr const char* kPublish = R"lua(
local prev = redis.call('HMGET', KEYS[2], 'd', 'id')
if prev[1] == ARGV[6] then
  return {0, prev[2] or ''}
end
local id = redis.call('XADD', KEYS[1], '*', 's', ARGV[1], 'k', ARGV[2], 'o', ARGV[3], 'p', ARGV[4], 'a', ARGV[5])
redis.call('HSET', KEYS[2], 'd', ARGV[6], 'id', id)
if tonumber(ARGV[7]) > 0 then redis.call('EXPIRE', KEYS[2], ARGV[7]) end
if redis.call('SADD', KEYS[3], ARGV[9]) == 1 then redis.call('PUBLISH', ARGV[8], ARGV[9]) end
return {1, id}
)lua";

// KEYS: lease, cursor, stream   ARGV: owner, cursor id, lease ttl ms
// Advances the lane's cursor and trims delivered entries, only while `owner` holds the lease.
inline constexpr const char* kAdvance = R"lua(
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[2])
redis.call('XTRIM', KEYS[3], 'MINID', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
)lua";

// KEYS: lease   ARGV: owner, ttl ms. Takes a free lease or renews our own.
inline constexpr const char* kAcquire = R"lua(
local holder = redis.call('GET', KEYS[1])
if holder == false then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
)lua";

// KEYS: lease   ARGV: owner
inline constexpr const char* kRelease = R"lua(
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
)lua";

// KEYS: active set, stream, cursor, lease   ARGV: stream, owner
// Marks the lane idle when nothing is left after the cursor; returns 1 when it went idle.
inline constexpr const char* kIdle = R"lua(
local cursor = redis.call('GET', KEYS[3]) or '0-0'
local next = redis.call('XRANGE', KEYS[2], '(' .. cursor, '+', 'COUNT', 1)
if #next > 0 then return 0 end
redis.call('SREM', KEYS[1], ARGV[1])
if redis.call('GET', KEYS[4]) == ARGV[2] then redis.call('DEL', KEYS[4]) end
return 1
)lua";

}  // namespace hub::bus::scripts
