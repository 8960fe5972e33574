#include "gui/SurfaceScene.h"

#include <algorithm>
#include <cmath>

namespace aunet::gui {

SceneMesh SceneMesh::fromMesh(const surface::Mesh& mesh, std::array<uint8_t, 3> color, float opacity) {
  SceneMesh out;
  out.color = color;
  out.opacity = opacity;
  const size_t n = mesh.vertices.size();
  std::vector<double> normals(3 * n, 0.0);
  out.indices.reserve(3 * mesh.triangles.size());
  for (const auto& t : mesh.triangles) {
    const core::Vec3& a = mesh.vertices[t[0]];
    const core::Vec3& b = mesh.vertices[t[1]];
    const core::Vec3& c = mesh.vertices[t[2]];
    const double u[3] = {b[0] - a[0], b[1] - a[1], b[2] - a[2]};
    const double v[3] = {c[0] - a[0], c[1] - a[1], c[2] - a[2]};
    // Cross product: twice the area times the outward normal (counter-clockwise from outside).
    const double nx = u[1] * v[2] - u[2] * v[1], ny = u[2] * v[0] - u[0] * v[2], nz = u[0] * v[1] - u[1] * v[0];
    for (uint32_t i : t) {
      normals[3 * i] += nx;
      normals[3 * i + 1] += ny;
      normals[3 * i + 2] += nz;
      out.indices.push_back(i);
    }
  }
  out.vertices.resize(6 * n);
  if (n > 0) {
    out.lo = out.hi = mesh.vertices[0];
  }
  for (size_t i = 0; i < n; ++i) {
    const core::Vec3& p = mesh.vertices[i];
    const double len = std::sqrt(normals[3 * i] * normals[3 * i] + normals[3 * i + 1] * normals[3 * i + 1] +
                                 normals[3 * i + 2] * normals[3 * i + 2]);
    for (int a = 0; a < 3; ++a) {
      out.vertices[6 * i + a] = static_cast<float>(p[a]);
      out.vertices[6 * i + 3 + a] = len > 0 ? static_cast<float>(normals[3 * i + a] / len) : 0.0f;
      out.lo[a] = std::min(out.lo[a], p[a]);
      out.hi[a] = std::max(out.hi[a], p[a]);
    }
  }
  return out;
}

void SurfaceScene::set(int key, SceneMesh mesh) {
  const auto o = opacity_.find(key);
  if (o != opacity_.end()) mesh.opacity = o->second;
  mesh.serial = ++version_;
  meshes_[key] = std::move(mesh);
}

void SurfaceScene::remove(int key) {
  if (meshes_.erase(key) > 0) ++version_;
}

void SurfaceScene::clear() {
  meshes_.clear();
  ++version_;
}

const SceneMesh* SurfaceScene::find(int key) const {
  const auto it = meshes_.find(key);
  return it == meshes_.end() ? nullptr : &it->second;
}

void SurfaceScene::setColor(int key, std::array<uint8_t, 3> color) {
  auto it = meshes_.find(key);
  if (it == meshes_.end() || it->second.color == color) return;
  it->second.color = color;
  ++version_;
}

void SurfaceScene::setOpacity(int key, float opacity) {
  opacity = std::clamp(opacity, 0.0f, 1.0f);
  opacity_[key] = opacity;
  auto it = meshes_.find(key);
  if (it != meshes_.end()) it->second.opacity = opacity;
  ++version_;
}

float SurfaceScene::opacity(int key) const {
  const auto m = meshes_.find(key);
  if (m != meshes_.end()) return m->second.opacity;
  const auto o = opacity_.find(key);
  return o == opacity_.end() ? 1.0f : o->second;
}

bool SurfaceScene::bounds(core::Vec3& lo, core::Vec3& hi) const {
  bool any = false;
  for (const auto& [key, m] : meshes_) {
    if (m.indices.empty()) continue;
    for (int a = 0; a < 3; ++a) {
      lo[a] = any ? std::min(lo[a], m.lo[a]) : m.lo[a];
      hi[a] = any ? std::max(hi[a], m.hi[a]) : m.hi[a];
    }
    any = true;
  }
  return any;
}

}  // namespace aunet::gui
