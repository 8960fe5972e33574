#pragma once
// Helpers shared by the io tests: a scratch folder per test, the location of the
// shared real-data folder, and synthetic images generated at run time.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "core/Geometry.h"
#include "core/LabelMap.h"
#include "core/Volume.h"
#include "tests/support/ScratchFolder.h"
#include "tests/support/SharedData.h"

namespace aunet::io::test {

namespace fs = std::filesystem;

// ../shared/data: $AUNET_SHARED_DATA, else next to the source tree. Empty if absent.
inline fs::path sharedDataDir() {
  if (const char* env = std::getenv("AUNET_SHARED_DATA"); env && *env) return fs::is_directory(env) ? fs::path(env) : fs::path();
#ifdef AUNET_SOURCE_DIR
  const fs::path candidate = fs::path(AUNET_SOURCE_DIR) / ".." / "shared" / "data";
  if (fs::is_directory(candidate)) return fs::canonical(candidate);
#endif
  return {};
}

// The path of a shared data file; when absent the test skips with a message, or fails
// in CI (tests/support/SharedData.h).
#define AUNET_REQUIRE_SHARED(var, relative)                                                       \
  const fs::path var = ::aunet::io::test::sharedDataDir() / (relative);                           \
  if (::aunet::io::test::sharedDataDir().empty() || !fs::exists(var))                              \
  AUNET_SHARED_MISSING("shared data not found (" << (relative)                                     \
                       << "); set AUNET_SHARED_DATA to the shared/data folder to run this test")

// A fresh folder per test, removed afterwards (tests/support/ScratchFolder.h).
class ScratchTest : public ::testing::Test {
 protected:
  std::string path(const std::string& name) const { return scratch_.path(name); }
  std::vector<std::string> entries() const { return scratch_.entries(); }
  ::aunet::test::ScratchFolder scratch_{"aunet-io-test-"};
  const fs::path& dir_ = scratch_.dir();
};

// An oblique, anisotropic grid with an origin away from zero. Every number is exact
// in float32 (NIfTI stores geometry as float32).
inline core::Geometry obliqueGeometry(core::Index3 size = {23, 19, 11}) {
  core::Geometry g;
  g.size = size;
  g.spacing = {0.75, 1.25, 2.5};
  g.origin = {-12.5, 30.25, 7.125};
  // Rz(30 deg) * Rx(20 deg): columns are the axis directions.
  const double a = M_PI / 6, b = M_PI / 9;
  const double rz[9] = {std::cos(a), -std::sin(a), 0, std::sin(a), std::cos(a), 0, 0, 0, 1};
  const double rx[9] = {1, 0, 0, 0, std::cos(b), -std::sin(b), 0, std::sin(b), std::cos(b)};
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c) {
      double v = 0;
      for (int k = 0; k < 3; ++k) v += rz[r * 3 + k] * rx[k * 3 + c];
      g.direction[r * 3 + c] = v;
    }
  return g;
}

// 1 inside an ellipsoid centred in the grid (semi-axes 40/30/35% of the extent).
inline bool insideEllipsoid(const core::Geometry& g, int64_t i, int64_t j, int64_t k) {
  const double x = (i - (g.size[0] - 1) / 2.0) / (0.4 * g.size[0]);
  const double y = (j - (g.size[1] - 1) / 2.0) / (0.3 * g.size[1]);
  const double z = (k - (g.size[2] - 1) / 2.0) / (0.35 * g.size[2]);
  return x * x + y * y + z * z <= 1.0;
}

// Float image: a smooth ramp plus a bright ellipsoid; values are not integers.
inline core::Volume ellipsoidVolume(const core::Geometry& g, int channels = 1) {
  core::Volume v(g, channels, core::PixelType::Float32);
  for (int c = 0; c < channels; ++c)
    for (int64_t k = 0; k < g.size[2]; ++k)
      for (int64_t j = 0; j < g.size[1]; ++j)
        for (int64_t i = 0; i < g.size[0]; ++i)
          v.at(i, j, k, c) = 0.1f * i - 0.37f * j + 0.013f * k + c * 7.5f + (insideEllipsoid(g, i, j, k) ? 100.25f : 0.0f);
  return v;
}

inline core::LabelMap ellipsoidLabels(const core::Geometry& g, uint16_t inside, uint16_t corner) {
  core::LabelMap l(g);
  for (int64_t k = 0; k < g.size[2]; ++k)
    for (int64_t j = 0; j < g.size[1]; ++j)
      for (int64_t i = 0; i < g.size[0]; ++i) l.at(i, j, k) = insideEllipsoid(g, i, j, k) ? inside : 0;
  l.at(0, 0, 0) = corner;  // so the largest label is known
  return l;
}

inline void expectSameGeometry(const core::Geometry& expected, const core::Geometry& actual, double tol = 1e-6) {
  EXPECT_EQ(expected.size, actual.size);
  for (int a = 0; a < 3; ++a) {
    EXPECT_NEAR(expected.spacing[a], actual.spacing[a], tol) << "spacing " << a;
    EXPECT_NEAR(expected.origin[a], actual.origin[a], tol) << "origin " << a;
  }
  for (int e = 0; e < 9; ++e) EXPECT_NEAR(expected.direction[e], actual.direction[e], tol) << "direction " << e;
}

inline void writeBytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

inline std::string readBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Dice of one label between two label maps on the same grid (index by index).
inline double dice(const core::LabelMap& a, const core::LabelMap& b, uint16_t label) {
  int64_t both = 0, na = 0, nb = 0;
  for (size_t v = 0; v < a.labels().size(); ++v) {
    na += a.labels()[v] == label;
    nb += b.labels()[v] == label;
    both += a.labels()[v] == label && b.labels()[v] == label;
  }
  return 2.0 * both / static_cast<double>(na + nb);
}

}  // namespace aunet::io::test
