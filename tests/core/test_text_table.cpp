#define BOOST_TEST_MODULE text_table
#include <boost/test/unit_test.hpp>

#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/core/text_table.hpp>

BOOST_AUTO_TEST_CASE(renders_aligned_markdown) {
  galaxyzoo::TextTable t({"Class", "Number"});
  t.add_row({"class 0", "8436"});
  t.add_row({"TOTAL", "28793"});
  BOOST_TEST(t.render() ==
             "| Class   | Number |\n"
             "|---------|-------:|\n"
             "| class 0 |   8436 |\n"
             "| TOTAL   |  28793 |\n");
}

BOOST_AUTO_TEST_CASE(rejects_rows_of_the_wrong_width) {
  galaxyzoo::TextTable t({"a", "b"});
  BOOST_CHECK_THROW(t.add_row({"1"}), galaxyzoo::Error);
}

BOOST_AUTO_TEST_CASE(text_columns_are_left_aligned) {
  galaxyzoo::TextTable t({"Class", "Number", "Names"});
  t.add_row({"class 2", "1", "a.jpg to b.jpg"});
  t.add_row({"class 3", "0", "-"});
  BOOST_TEST(t.render() ==
             "| Class   | Number | Names          |\n"
             "|---------|-------:|----------------|\n"
             "| class 2 |      1 | a.jpg to b.jpg |\n"
             "| class 3 |      0 | -              |\n");
}

BOOST_AUTO_TEST_CASE(csv_fields_are_quoted_only_when_needed) {
  BOOST_TEST(galaxyzoo::csv_field("train_class_0_1_proc.jpg") == "train_class_0_1_proc.jpg");
  BOOST_TEST(galaxyzoo::csv_field("a,b") == "\"a,b\"");
  BOOST_TEST(galaxyzoo::csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
  BOOST_TEST(galaxyzoo::csv_field("two\nlines") == "\"two\nlines\"");
  BOOST_TEST(galaxyzoo::csv_field("").empty());
}
