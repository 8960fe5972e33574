#pragma once
// What the 3D view draws, as plain data: one triangle mesh per label (and one for the
// attention iso-surface), in patient coordinates (LPS mm, the slice views' space),
// with per-vertex normals, a colour and an opacity each. The builder fills it from a
// worker's results; the view uploads what changed (version()) and draws it.

#include <array>
#include <cstdint>
#include <map>
#include <vector>

#include "core/Geometry.h"
#include "surface/Mesh.h"

namespace aunet::gui {

struct SceneMesh {
  // x, y, z, nx, ny, nz per vertex (what the GPU takes as one interleaved buffer).
  std::vector<float> vertices;
  std::vector<uint32_t> indices;
  std::array<uint8_t, 3> color{255, 255, 255};
  float opacity = 1.0f;
  core::Vec3 lo{0, 0, 0}, hi{0, 0, 0};  // bounding box, mm
  uint64_t serial = 0;  // set by SurfaceScene::set: new geometry, new serial

  size_t vertexCount() const { return vertices.size() / 6; }
  size_t triangleCount() const { return indices.size() / 3; }
  // Area-weighted vertex normals pointing out of the region (the mesh's winding).
  static SceneMesh fromMesh(const surface::Mesh& mesh, std::array<uint8_t, 3> color, float opacity);
};

class SurfaceScene {
 public:
  static constexpr int kAttentionKey = -1;  // labels use their value (1..65535)

  void set(int key, SceneMesh mesh);
  void remove(int key);
  void clear();
  const std::map<int, SceneMesh>& meshes() const { return meshes_; }
  const SceneMesh* find(int key) const;
  void setColor(int key, std::array<uint8_t, 3> color);
  // Opacity per label (remembered for labels not built yet); 0 hides the label.
  void setOpacity(int key, float opacity);
  float opacity(int key) const;

  // Bumped by every change; the view re-uploads when it differs from what it drew.
  uint64_t version() const { return version_; }
  // The union of the meshes' boxes; false when empty.
  bool bounds(core::Vec3& lo, core::Vec3& hi) const;

 private:
  std::map<int, SceneMesh> meshes_;
  std::map<int, float> opacity_;
  uint64_t version_ = 0;
};

}  // namespace aunet::gui
