#define BOOST_TEST_MODULE synthetic_galaxy
#include <boost/test/unit_test.hpp>

#include <galaxyzoo/synthetic/synthetic_galaxy.hpp>

namespace gz = galaxyzoo;
using gz::GalaxyKind;

BOOST_AUTO_TEST_CASE(kinds_map_to_the_five_classes) {
  BOOST_TEST(gz::intended_class(GalaxyKind::round_smooth) == 0);
  BOOST_TEST(gz::intended_class(GalaxyKind::spiral) == 4);
  BOOST_TEST(gz::intended_class(GalaxyKind::artifact) == -1);
  BOOST_TEST(gz::intended_class(GalaxyKind::merger) == -1);
  BOOST_TEST(gz::to_string(GalaxyKind::edge_on_disk) == "edge_on_disk");
}

BOOST_AUTO_TEST_CASE(models_are_seeded) {
  gz::Rng a(3), b(3);
  const auto m1 = gz::random_galaxy_model(GalaxyKind::spiral, a);
  const auto m2 = gz::random_galaxy_model(GalaxyKind::spiral, b);
  BOOST_TEST(m1.disk_scale == m2.disk_scale);
  BOOST_TEST(m1.arm_phase == m2.arm_phase);
  BOOST_TEST(m1.stars.size() == m2.stars.size());
}

BOOST_AUTO_TEST_CASE(each_kind_has_its_morphology) {
  gz::Rng rng(11);
  for (int i = 0; i < 200; ++i) {
    const auto round = gz::random_galaxy_model(GalaxyKind::round_smooth, rng);
    BOOST_TEST(round.axis_ratio >= 0.85);
    BOOST_TEST(round.disk_flux == 0.0);
    BOOST_TEST(round.sersic_index >= 3.0);

    const auto cigar = gz::random_galaxy_model(GalaxyKind::cigar_smooth, rng);
    BOOST_TEST(cigar.axis_ratio <= 0.35);

    const auto edge_on = gz::random_galaxy_model(GalaxyKind::edge_on_disk, rng);
    BOOST_TEST(edge_on.axis_ratio <= 0.16);
    BOOST_TEST(edge_on.disk_flux > edge_on.bulge_flux);

    const auto spiral = gz::random_galaxy_model(GalaxyKind::spiral, rng);
    BOOST_TEST(spiral.arms >= 2);
    BOOST_TEST(spiral.arms <= 4);
    BOOST_TEST(spiral.axis_ratio >= 0.55);  // face-on or mildly inclined
    // Disks are bluer than bulges (red / blue ratio).
    BOOST_TEST(spiral.disk_colour[0] / spiral.disk_colour[2] <
               spiral.bulge_colour[0] / spiral.bulge_colour[2]);

    const auto artifact = gz::random_galaxy_model(GalaxyKind::artifact, rng);
    BOOST_REQUIRE(!artifact.stars.empty());
    BOOST_TEST(artifact.stars[0].flux > artifact.bulge_flux);

    const auto merger = gz::random_galaxy_model(GalaxyKind::merger, rng);
    BOOST_TEST(merger.companion_flux > 0.0);

    // Centring offsets are small.
    BOOST_TEST(std::abs(spiral.x - 212) < 15);
  }
}

BOOST_AUTO_TEST_CASE(sizes_scale_with_the_cutout) {
  gz::Rng a(5), b(5);
  const auto big = gz::random_galaxy_model(GalaxyKind::round_smooth, a, 424);
  const auto small = gz::random_galaxy_model(GalaxyKind::round_smooth, b, 212);
  BOOST_TEST(small.bulge_radius == big.bulge_radius / 2, boost::test_tools::tolerance(1e-9));
}
