#pragma once
// What the samplers (sampler.cpp, tpe_sampler.cpp) share: each trial's own random
// generator and the uniform draws of the random sampler, which TPE uses for its start-up
// trials. Private to src/; defined in sampler.cpp.

#include <cstdint>

#include "galaxyzoo/core/random.hpp"
#include "galaxyzoo/hpo/search_space.hpp"

namespace galaxyzoo::detail {

// The generator of trial @p number: independent of every other trial's, so that the
// assignment depends only on (seed, history, number).
Rng trial_rng(std::uint64_t seed, std::int64_t number);

// @p number. @throws Error if it is negative.
std::int64_t checked_number(std::int64_t number);

// A uniform (or log-uniform) draw of one parameter.
ParameterValue draw_uniform(const Parameter& p, Rng& rng);

// A uniform draw of every parameter of @p space, in the space's order.
Assignment draw_uniform(const SearchSpace& space, Rng& rng);

}  // namespace galaxyzoo::detail
