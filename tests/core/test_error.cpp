#define BOOST_TEST_MODULE error
#include <boost/test/unit_test.hpp>

#include <galaxyzoo/core/error.hpp>

BOOST_AUTO_TEST_CASE(input_error_names_file_line_and_column) {
  const galaxyzoo::InputError e("data/votes.csv", 17, "Class1.1", "expected a number, got 'x'");
  BOOST_TEST(std::string(e.what()) ==
             "data/votes.csv:17: column 'Class1.1': expected a number, got 'x'");
  BOOST_TEST(e.file() == "data/votes.csv");
  BOOST_TEST(e.line() == 17u);
  BOOST_TEST(e.key() == "Class1.1");
}

BOOST_AUTO_TEST_CASE(input_error_without_line_or_column) {
  const galaxyzoo::InputError e("votes.csv", 0, "", "no data rows");
  BOOST_TEST(std::string(e.what()) == "votes.csv: no data rows");
}

BOOST_AUTO_TEST_CASE(all_errors_are_galaxyzoo_errors) {
  try {
    throw galaxyzoo::IoError("/tmp/out", "cannot create");
  } catch (const galaxyzoo::Error& e) {
    BOOST_TEST(std::string(e.what()) == "'/tmp/out': cannot create");
    return;
  }
  BOOST_FAIL("IoError was not caught as galaxyzoo::Error");
}
