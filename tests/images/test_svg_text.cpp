#define BOOST_TEST_MODULE svg_text
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "images/svg_text.hpp"

namespace detail = galaxyzoo::detail;

BOOST_AUTO_TEST_CASE(text_is_escaped) {
  BOOST_TEST(detail::svg_escape("a<b & \"c\">") == "a&lt;b &amp; &quot;c&quot;&gt;");
  BOOST_TEST(detail::svg_escape("plain") == "plain");
}

BOOST_AUTO_TEST_CASE(ticks_are_round_and_cover_the_range) {
  double lo = 0.13, hi = 0.87;
  const auto ticks = detail::nice_ticks(lo, hi, 5);
  BOOST_TEST(lo == 0.0);
  BOOST_TEST(hi == 1.0, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(ticks.size() == 6u);
  BOOST_TEST(ticks[1] == 0.2, boost::test_tools::tolerance(1e-12));
  // Whole numbers only: no tick between epochs 1 and 2.
  double e0 = 1, e1 = 3;
  const auto epochs = detail::nice_ticks(e0, e1, 6, true);
  BOOST_TEST(epochs == (std::vector<double>{1, 2, 3}));
  // An empty range is widened.
  double a = 5, b = 5;
  detail::nice_ticks(a, b, 5);
  BOOST_TEST(a < 5);
  BOOST_TEST(b > 5);
}

BOOST_AUTO_TEST_CASE(labels_document_and_title) {
  BOOST_TEST(detail::tick_label(0.00012345) == "0.0001234");
  BOOST_TEST(detail::tick_label(2) == "2");
  // Close ticks get the digits that tell them apart.
  BOOST_TEST(detail::tick_labels({1.6091, 1.6092, 1.6093}) ==
             (std::vector<std::string>{"1.6091", "1.6092", "1.6093"}));
  BOOST_TEST(detail::tick_labels({0, 0.5, 1}) == (std::vector<std::string>{"0", "0.5", "1"}));
  const std::string doc = detail::svg_document(300, 200, "<g/>");
  BOOST_TEST(doc.find("width='300' height='200'") != std::string::npos);
  BOOST_TEST(doc.find("<g/>") != std::string::npos);
  const std::string title = detail::svg_title("Loss\nsecond line", 150, 300);
  BOOST_TEST(title.find("font-weight='bold'>Loss<") != std::string::npos);
  BOOST_TEST(title.find(">second line<") != std::string::npos);
  // A long title near the edge is moved inside.
  const std::string moved = detail::svg_title("a rather long title for a narrow plot", 10, 400);
  BOOST_TEST(moved.find("x='10'") == std::string::npos);
}
