#include <catch2/catch.hpp>

#include "core/protocol/error_code.hpp"

using namespace ksim::core;

TEST_CASE("error codes: Kafka's names and numbers", "[core][protocol]") {
  CHECK(static_cast<int>(ErrorCode::NOT_LEADER_OR_FOLLOWER) == 6);
  CHECK(static_cast<int>(ErrorCode::NOT_ENOUGH_REPLICAS) == 19);
  CHECK(static_cast<int>(ErrorCode::NOT_ENOUGH_REPLICAS_AFTER_APPEND) == 20);
  CHECK(static_cast<int>(ErrorCode::OUT_OF_ORDER_SEQUENCE_NUMBER) == 45);
  CHECK(static_cast<int>(ErrorCode::FENCED_LEADER_EPOCH) == 74);
  CHECK(error_name(ErrorCode::REQUEST_TIMED_OUT) == "REQUEST_TIMED_OUT");
  CHECK(parse_error_name("MESSAGE_TOO_LARGE") == ErrorCode::MESSAGE_TOO_LARGE);
  CHECK_FALSE(parse_error_name("NOT_A_REAL_ERROR").has_value());
}

TEST_CASE("error codes: retriable as Kafka classifies them", "[core][protocol]") {
  CHECK(is_retriable(ErrorCode::NOT_LEADER_OR_FOLLOWER));
  CHECK(is_retriable(ErrorCode::NOT_ENOUGH_REPLICAS));
  CHECK(is_retriable(ErrorCode::NOT_ENOUGH_REPLICAS_AFTER_APPEND));
  CHECK(is_retriable(ErrorCode::REQUEST_TIMED_OUT));
  CHECK_FALSE(is_retriable(ErrorCode::MESSAGE_TOO_LARGE));
  CHECK_FALSE(is_retriable(ErrorCode::OUT_OF_ORDER_SEQUENCE_NUMBER));
  CHECK_FALSE(is_retriable(ErrorCode::NONE));
}
