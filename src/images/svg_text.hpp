#pragma once
// The pieces of SVG text that the library's plots share (private to the library):
// escaping, axis ticks, numbers, the document and the title.

#include <string>
#include <vector>

namespace galaxyzoo::detail {

/// @p text with &, <, > and " escaped for SVG text and attributes.
std::string svg_escape(const std::string& text);

/// Ticks at multiples of 1, 2 or 5 x 10^k covering [lo, hi] with about @p count steps;
/// widens [lo, hi] to the outer ticks (an empty range first by 10%). @p integers: no
/// ticks between whole numbers.
std::vector<double> nice_ticks(double& lo, double& hi, int count, bool integers = false);

/// @p v with 4 significant digits, as tick labels show it.
std::string tick_label(double v);

/// Labels for @p ticks: 4 significant digits, or as many more (up to 15) as it takes for
/// neighbouring ticks to read differently (a loss axis from 1.6091 to 1.6095).
std::vector<std::string> tick_labels(const std::vector<double>& ticks);

/// The SVG document around @p body: its size and font.
std::string svg_document(int width, int height, const std::string& body);

/// The title centred on @p x: its first line bold, further lines (after '\n') smaller, as
/// a subtitle; moved sideways if needed to stay inside [0, width].
std::string svg_title(const std::string& text, double x, double width);

}  // namespace galaxyzoo::detail
