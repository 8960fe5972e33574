#include "io/internal/NiftiGrid.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "core/Error.h"

namespace aunet::io::internal {

namespace {

using core::Mat3;
using core::Vec3;

double determinant(const Mat3& m) {
  return m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6]);
}

std::string number(double v, int precision = 3) {
  std::ostringstream s;
  s.precision(precision);
  s << v;
  return s.str();
}

std::string codeName(int code) {
  switch (code) {
    case 1: return "scanner";
    case 2: return "aligned";
    case 3: return "Talairach";
    case 4: return "MNI";
    case 5: return "template";
    default: return "unknown";
  }
}

// An affine in NIfTI's RAS+ world turned into LPS columns (voxel axis a -> column a).
struct LpsAffine {
  Mat3 m{};  // row-major, columns = direction * spacing
  Vec3 t{};
};

LpsAffine toLps(const Affine& a) {
  LpsAffine out;
  for (int r = 0; r < 3; ++r) {
    const double flip = r < 2 ? -1.0 : 1.0;  // RAS -> LPS
    for (int c = 0; c < 3; ++c) out.m[static_cast<size_t>(r * 3 + c)] = flip * a[static_cast<size_t>(r)][static_cast<size_t>(c)];
    out.t[static_cast<size_t>(r)] = flip * a[static_cast<size_t>(r)][3];
  }
  return out;
}

Vec3 apply(const LpsAffine& a, const Vec3& index) {
  Vec3 p = a.t;
  for (size_t r = 0; r < 3; ++r)
    for (size_t c = 0; c < 3; ++c) p[r] += a.m[r * 3 + c] * index[c];
  return p;
}

// Largest distance between where two affines put the grid's corner voxels.
double cornerDistance(const LpsAffine& a, const LpsAffine& b, const core::Index3& size) {
  double worst = 0.0;
  for (int corner = 0; corner < 8; ++corner) {
    Vec3 index;
    for (size_t k = 0; k < 3; ++k) index[k] = (corner >> k) & 1 ? static_cast<double>(size[k] - 1) : 0.0;
    const Vec3 p = apply(a, index), q = apply(b, index);
    worst = std::max(worst, std::sqrt((p[0] - q[0]) * (p[0] - q[0]) + (p[1] - q[1]) * (p[1] - q[1]) +
                                      (p[2] - q[2]) * (p[2] - q[2])));
  }
  return worst;
}

// Spacing and rotation from an affine's columns. An axis of one voxel whose column
// is zero (a 2D file with pixdim[3] = 0) gets the direction normal to the other two.
// Returns an empty string on success, else why the affine is unusable.
std::string decompose(const LpsAffine& a, const core::Index3& size, const NiftiHeader& h, core::Geometry& g,
                      double& shear) {
  Mat3 columns = a.m;
  int zeroAxis = -1;
  for (int c = 0; c < 3; ++c) {
    double norm = 0.0;
    for (int r = 0; r < 3; ++r) norm += columns[static_cast<size_t>(r * 3 + c)] * columns[static_cast<size_t>(r * 3 + c)];
    norm = std::sqrt(norm);
    if (norm < 1.0e-9) {
      if (size[static_cast<size_t>(c)] > 1 || zeroAxis >= 0) return "axis " + std::to_string(c + 1) + " has zero length";
      zeroAxis = c;
      g.spacing[static_cast<size_t>(c)] = 1.0;
      continue;
    }
    for (int r = 0; r < 3; ++r) columns[static_cast<size_t>(r * 3 + c)] /= norm;
    // A float32 sform column is the spacing to about 1e-7: pixdim holds it as written
    // (0.75, not 0.749999977) when the two agree to float precision.
    const double stated = std::fabs(h.pixdim[static_cast<size_t>(c + 1)]);
    g.spacing[static_cast<size_t>(c)] = stated > 0.0 && std::fabs(norm - stated) <= 1.0e-5 * stated ? stated : norm;
  }
  if (zeroAxis >= 0) {
    const int u = (zeroAxis + 1) % 3, v = (zeroAxis + 2) % 3;
    auto col = [&](int c, int r) { return columns[static_cast<size_t>(r * 3 + c)]; };
    for (int r = 0; r < 3; ++r) {
      const int r1 = (r + 1) % 3, r2 = (r + 2) % 3;
      columns[static_cast<size_t>(r * 3 + zeroAxis)] = col(u, r1) * col(v, r2) - col(u, r2) * col(v, r1);
    }
  }
  Mat3 rotation;
  if (!nearestRotation(columns, rotation)) return "its axes are parallel (singular matrix)";
  shear = 0.0;
  for (size_t k = 0; k < 9; ++k) shear = std::max(shear, std::fabs(rotation[k] - columns[k]));
  g.direction = rotation;
  g.origin = a.t;
  return "";
}

}  // namespace

bool nearestRotation(const Mat3& m, Mat3& rotation) {
  const double det0 = determinant(m);
  if (!(std::fabs(det0) > 1.0e-6)) return false;
  Mat3 q = m;
  for (int iteration = 0; iteration < 100; ++iteration) {
    const double det = determinant(q);
    // (Q^-1)^T = cofactor(Q) / det
    const Mat3 inverseTransposed = {(q[4] * q[8] - q[5] * q[7]) / det, (q[5] * q[6] - q[3] * q[8]) / det,
                                    (q[3] * q[7] - q[4] * q[6]) / det, (q[2] * q[7] - q[1] * q[8]) / det,
                                    (q[0] * q[8] - q[2] * q[6]) / det, (q[1] * q[6] - q[0] * q[7]) / det,
                                    (q[1] * q[5] - q[2] * q[4]) / det, (q[2] * q[3] - q[0] * q[5]) / det,
                                    (q[0] * q[4] - q[1] * q[3]) / det};
    double change = 0.0;
    for (size_t k = 0; k < 9; ++k) {
      const double next = 0.5 * (q[k] + inverseTransposed[k]);
      change = std::max(change, std::fabs(next - q[k]));
      q[k] = next;
    }
    if (change < 1.0e-15) break;
  }
  rotation = q;
  return true;
}

NiftiGrid niftiGrid(const NiftiHeader& h, const std::string& path) {
  NiftiGrid grid;
  core::Geometry& g = grid.geometry;
  for (int a = 0; a < 3; ++a) g.size[static_cast<size_t>(a)] = h.extent(a + 1);

  const LpsAffine qform = toLps(h.qformAffine());
  LpsAffine chosen;
  if (h.sformCode > 0) {
    chosen = toLps(h.sformAffine());
    grid.source = "sform";
  } else if (h.qformCode > 0) {
    chosen = qform;
    grid.source = "qform";
  } else {
    // Method 1 (Analyze-style): spacing only, no orientation or origin. Identity axes
    // in LPS, as ITK has always read such files in aunet (nibabel guesses another).
    for (size_t k = 0; k < 3; ++k) {
      const double p = std::fabs(h.pixdim[k + 1]);
      chosen.m[k * 3 + k] = p > 0.0 ? p : 1.0;
    }
    grid.source = "pixdim";
  }
  double shear = 0.0;
  std::string problem = decompose(chosen, g.size, h, g, shear);
  if (!problem.empty() && grid.source == "sform" && h.qformCode > 0) {
    grid.warnings.push_back("the sform is unusable (" + problem + "); using the qform (code " +
                            std::to_string(h.qformCode) + ")");
    grid.source = "qform";
    chosen = qform;
    problem = decompose(chosen, g.size, h, g, shear);
  }
  if (!problem.empty()) throw core::Error(path, "the header's " + grid.source + " is unusable: " + problem);
  if (shear > 1.0e-4) {
    // Where the nearest rotation puts the far corner, against the affine itself.
    LpsAffine used;
    for (size_t r = 0; r < 3; ++r)
      for (size_t c = 0; c < 3; ++c) used.m[r * 3 + c] = g.direction[r * 3 + c] * g.spacing[c];
    used.t = g.origin;
    grid.warnings.push_back("the " + grid.source + "'s axes are not perpendicular (sheared by up to " + number(shear) +
                            "); read with the nearest rotation, which moves voxels by up to " +
                            number(cornerDistance(used, chosen, g.size)) + " mm");
  }
  if (h.sformCode > 0 && h.qformCode > 0 && grid.source == "sform") {
    const double apart = cornerDistance(chosen, qform, g.size);
    const double voxel = std::min({g.spacing[0], g.spacing[1], g.spacing[2]});
    if (apart > voxel)
      grid.warnings.push_back("sform (code " + std::to_string(h.sformCode) + ", " + codeName(h.sformCode) +
                              ") and qform (code " + std::to_string(h.qformCode) + ", " + codeName(h.qformCode) +
                              ") place voxels up to " + number(apart) +
                              " mm apart; using the sform, as nibabel, FSL and MONAI do");
  }
  for (int k = 1; k <= 3; ++k)
    if (h.pixdim[static_cast<size_t>(k)] < 0.0 && k <= h.dim[0])
      grid.warnings.push_back("pixdim[" + std::to_string(k) + "] is negative; its magnitude is the spacing");
  g.validate(path);
  return grid;
}

}  // namespace aunet::io::internal
