// make_kaggle_fixture ROOT N SEED: a Kaggle-layout folder with N galaxies of each
// class 0-4 plus N matching no class, for the example-program tests.
#include <cstdlib>
#include <iostream>

#include "kaggle_fixture.hpp"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: make_kaggle_fixture ROOT N SEED\n";
    return 2;
  }
  const int n = std::atoi(argv[2]);
  std::vector<int> classes;
  for (int i = 0; i < n; ++i) {
    for (int k = -1; k <= 4; ++k) classes.push_back(k);
  }
  galaxyzoo::testing::make_kaggle_folder(argv[1], classes, std::strtoull(argv[3], nullptr, 10));
  return 0;
}
