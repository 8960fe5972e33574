// k-means of intensities: three separated tissue classes are found at their means,
// centres come out ascending, and the result does not depend on the input order.

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "imaging/IntensityKMeans.h"

namespace aunet::imaging {
namespace {

TEST(IntensityKMeansTest, FindsThreeSeparatedClassesAtTheirMeans) {
  std::mt19937_64 rng(3);
  std::normal_distribution<float> csf(30, 4), gm(80, 5), wm(120, 5);
  std::vector<float> values;
  double sums[3] = {0, 0, 0};
  for (int i = 0; i < 3000; ++i) values.push_back(csf(rng)), sums[0] += values.back();
  for (int i = 0; i < 5000; ++i) values.push_back(gm(rng)), sums[1] += values.back();
  for (int i = 0; i < 4000; ++i) values.push_back(wm(rng)), sums[2] += values.back();
  const KMeansResult r = intensityKMeans(values, 3);
  ASSERT_EQ(r.centres.size(), 3u);
  // Classes this far apart are split exactly: the centres are the true sample means.
  EXPECT_NEAR(r.centres[0], sums[0] / 3000, 0.05);
  EXPECT_NEAR(r.centres[1], sums[1] / 5000, 0.05);
  EXPECT_NEAR(r.centres[2], sums[2] / 4000, 0.05);
  EXPECT_EQ(nearestCentre(r.centres, 10.0), 0);
  EXPECT_EQ(nearestCentre(r.centres, 85.0), 1);
  EXPECT_EQ(nearestCentre(r.centres, 500.0), 2);

  std::shuffle(values.begin(), values.end(), rng);
  EXPECT_EQ(intensityKMeans(values, 3).centres, r.centres);
}

TEST(IntensityKMeansTest, ConvergesToALloydFixedPoint) {
  // Uniform values: every centre is the mean of the values nearest to it.
  std::vector<float> values;
  for (int i = 0; i < 1000; ++i) values.push_back(static_cast<float>(i % 97) * 1.3f + static_cast<float>(i % 7));
  const KMeansResult r = intensityKMeans(values, 4);
  ASSERT_EQ(r.centres.size(), 4u);
  for (int c = 0; c < 4; ++c) {
    double sum = 0;
    int n = 0;
    for (float v : values)
      if (nearestCentre(r.centres, v) == c) sum += v, ++n;
    ASSERT_GT(n, 0);
    EXPECT_NEAR(r.centres[static_cast<size_t>(c)], sum / n, 1e-6) << c;
  }
  EXPECT_TRUE(intensityKMeans({}, 3).centres.empty());
  EXPECT_EQ(intensityKMeans({5.0f, 5.0f}, 1).centres, std::vector<double>{5.0});
}

}  // namespace
}  // namespace aunet::imaging
