#pragma once
// An expression printed back in one normal form ("phq9.latest >= 27", with only the
// parentheses its meaning needs): the lint's key for "the same term" and its text in messages.

#include <string>

#include "regimen/protocol/expr.h"

namespace regimen {

std::string expr_text(const Expr& e);

/// An expression's text quoted for a message: 'a > 5', or "x == 'partial'" when it holds quotes.
std::string quote_expr(const std::string& text);

}  // namespace regimen
