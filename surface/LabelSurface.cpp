#include "surface/LabelSurface.h"

#include <vtkCellArray.h>
#include <vtkDiscreteFlyingEdges3D.h>
#include <vtkImageData.h>
#include <vtkNew.h>
#include <vtkPointData.h>
#include <vtkPoints.h>
#include <vtkPolyData.h>
#include <vtkQuadricDecimation.h>
#include <vtkSmartPointer.h>
#include <vtkUnsignedCharArray.h>
#include <vtkWindowedSincPolyDataFilter.h>

#include <algorithm>
#include <limits>
#include <string>

#include "core/Error.h"

namespace aunet::surface {

namespace {

struct Box {
  core::Index3 lo{std::numeric_limits<int64_t>::max(), std::numeric_limits<int64_t>::max(),
                  std::numeric_limits<int64_t>::max()};
  core::Index3 hi{-1, -1, -1};
  bool empty() const { return hi[0] < 0; }
};

Box boundingBox(const core::LabelMap& mask, uint16_t label) {
  const core::Index3& n = mask.geometry().size;
  const uint16_t* v = mask.data();
  Box box;
  for (int64_t k = 0; k < n[2]; ++k)
    for (int64_t j = 0; j < n[1]; ++j)
      for (int64_t i = 0; i < n[0]; ++i, ++v) {
        if (*v != label) continue;
        const core::Index3 at{i, j, k};
        for (int a = 0; a < 3; ++a) {
          box.lo[a] = std::min(box.lo[a], at[a]);
          box.hi[a] = std::max(box.hi[a], at[a]);
        }
      }
  return box;
}

// The label's bounding box plus one voxel of background on every side, as a binary
// image. Its coordinates are index * spacing (the grid's own axes, in mm), so the
// smoothing sees true distances on anisotropic grids; rotation and origin come last.
vtkSmartPointer<vtkImageData> paddedBinaryImage(const core::LabelMap& mask, uint16_t label, const Box& box) {
  const core::Geometry& g = mask.geometry();
  int dims[3];
  double origin[3];
  for (int a = 0; a < 3; ++a) {
    dims[a] = static_cast<int>(box.hi[a] - box.lo[a] + 3);
    origin[a] = static_cast<double>(box.lo[a] - 1) * g.spacing[a];
  }
  auto image = vtkSmartPointer<vtkImageData>::New();
  image->SetDimensions(dims);
  image->SetSpacing(g.spacing[0], g.spacing[1], g.spacing[2]);
  image->SetOrigin(origin);
  vtkNew<vtkUnsignedCharArray> scalars;
  scalars->SetNumberOfTuples(static_cast<vtkIdType>(dims[0]) * dims[1] * dims[2]);
  std::fill_n(scalars->GetPointer(0), scalars->GetNumberOfTuples(), 0);
  unsigned char* out = scalars->GetPointer(0);
  for (int64_t k = box.lo[2]; k <= box.hi[2]; ++k)
    for (int64_t j = box.lo[1]; j <= box.hi[1]; ++j)
      for (int64_t i = box.lo[0]; i <= box.hi[0]; ++i)
        if (mask.at(i, j, k) == label) {
          const int64_t pi = i - box.lo[0] + 1, pj = j - box.lo[1] + 1, pk = k - box.lo[2] + 1;
          out[pi + dims[0] * (pj + static_cast<int64_t>(dims[1]) * pk)] = 1;
        }
  image->GetPointData()->SetScalars(scalars);
  return image;
}

}  // namespace

void validateSurfaceOptions(const SurfaceOptions& options) {
  if (options.smoothingIterations < 0 || options.smoothingIterations > 1000)
    throw core::Error("--smoothing " + std::to_string(options.smoothingIterations) +
                      ": iterations must be between 0 and 1000");
  if (!(options.passBand > 0.0 && options.passBand <= 2.0))
    throw core::Error("smoothing pass band " + std::to_string(options.passBand) + ": must be in (0, 2]");
  if (!(options.decimation >= 0.0 && options.decimation < 1.0))
    throw core::Error("--decimate " + std::to_string(options.decimation) +
                      ": the fraction of triangles to remove must be at least 0 and below 1");
}

namespace {

// Triangles of `poly` with their vertices taken to patient space (origin + direction *
// local); vertices no triangle uses are dropped.
Mesh toPatientMesh(vtkPolyData* poly, const core::Geometry& g) {
  Mesh mesh;
  vtkPoints* points = poly->GetPoints();
  if (!points) return mesh;
  std::vector<int64_t> remap(static_cast<size_t>(points->GetNumberOfPoints()), -1);
  vtkCellArray* polys = poly->GetPolys();
  vtkIdType count = 0;
  const vtkIdType* ids = nullptr;
  for (polys->InitTraversal(); polys->GetNextCell(count, ids);) {
    if (count != 3) throw core::Error("surface extraction produced a polygon with " + std::to_string(count) + " corners");
    std::array<uint32_t, 3> tri{};
    for (int c = 0; c < 3; ++c) {
      int64_t& to = remap[static_cast<size_t>(ids[c])];
      if (to < 0) {
        double p[3];
        points->GetPoint(ids[c], p);
        const core::Mat3& d = g.direction;
        core::Vec3 q;
        for (int r = 0; r < 3; ++r) q[r] = g.origin[r] + d[3 * r] * p[0] + d[3 * r + 1] * p[1] + d[3 * r + 2] * p[2];
        to = static_cast<int64_t>(mesh.vertices.size());
        mesh.vertices.push_back(q);
      }
      tri[c] = static_cast<uint32_t>(to);
    }
    // Smoothing or decimation can collapse a triangle onto an edge; drop it.
    if (tri[0] != tri[1] && tri[1] != tri[2] && tri[0] != tri[2]) mesh.triangles.push_back(tri);
  }
  return mesh;
}

}  // namespace

double signedVolume(const Mesh& mesh) {
  double sixV = 0.0;
  for (const auto& t : mesh.triangles) {
    const core::Vec3& a = mesh.vertices[t[0]];
    const core::Vec3& b = mesh.vertices[t[1]];
    const core::Vec3& c = mesh.vertices[t[2]];
    sixV += a[0] * (b[1] * c[2] - b[2] * c[1]) - a[1] * (b[0] * c[2] - b[2] * c[0]) + a[2] * (b[0] * c[1] - b[1] * c[0]);
  }
  return sixV / 6.0;
}

Mesh extractLabelSurface(const core::LabelMap& mask, uint16_t label, const SurfaceOptions& options) {
  validateSurfaceOptions(options);
  if (label == 0) throw core::Error("label 0 is the background: it has no surface");
  const Box box = boundingBox(mask, label);
  if (box.empty()) return {};

  vtkNew<vtkDiscreteFlyingEdges3D> contour;
  contour->SetInputData(paddedBinaryImage(mask, label, box));
  contour->SetValue(0, 1.0);
  contour->ComputeNormalsOff();
  contour->ComputeGradientsOff();
  contour->ComputeScalarsOff();
  vtkPolyDataAlgorithm* last = contour;

  // Windowed sinc is a low-pass filter: it removes the voxel steps without the
  // shrinking of Laplacian smoothing, so the enclosed volume stays that of the voxels.
  vtkNew<vtkWindowedSincPolyDataFilter> smooth;
  if (options.smoothingIterations > 0) {
    smooth->SetInputConnection(last->GetOutputPort());
    smooth->SetNumberOfIterations(options.smoothingIterations);
    smooth->SetPassBand(options.passBand);
    smooth->NormalizeCoordinatesOn();  // the pass band then means the same on any grid size
    smooth->BoundarySmoothingOff();
    smooth->FeatureEdgeSmoothingOff();
    smooth->NonManifoldSmoothingOn();
    last = smooth;
  }
  vtkNew<vtkQuadricDecimation> decimate;
  if (options.decimation > 0.0) {
    decimate->SetInputConnection(last->GetOutputPort());
    decimate->SetTargetReduction(options.decimation);
    decimate->VolumePreservationOn();
    last = decimate;
  }
  last->Update();
  vtkPolyData* poly = last->GetOutput();
  if (!poly) throw core::Error("surface extraction of label " + std::to_string(label) + " produced no polygon data");

  Mesh mesh = toPatientMesh(poly, mask.geometry());
  // Marching-cubes tables wind every triangle the same way relative to the inside, so
  // one sign decides for the whole mesh (inner cavities included); a mirrored
  // direction matrix (determinant -1) flips it, hence the check after the transform.
  if (signedVolume(mesh) < 0.0)
    for (auto& t : mesh.triangles) std::swap(t[1], t[2]);
  return mesh;
}

}  // namespace aunet::surface
