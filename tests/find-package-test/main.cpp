// A downstream program: labels one galaxy with the installed library.
#include <galaxyzoo/galaxyzoo.hpp>
#include <iostream>

int main() {
  galaxyzoo::VoteSimulator simulator(/*seed=*/1);
  const auto table = simulator.table({100008, 100023}, {0, 4});
  const auto labels = galaxyzoo::Labeler(galaxyzoo::galaxy_zoo_rules()).label(table);
  std::cout << "galaxyzoo " << GALAXYZOO_VERSION_STRING << ": labels " << labels[0] << ' '
            << labels[1] << '\n';
  return labels.size() == 2 ? 0 : 1;
}
