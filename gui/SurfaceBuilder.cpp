#include "gui/SurfaceBuilder.h"

#include <algorithm>
#include <vector>

#include "core/LabelMap.h"
#include "imaging/ImageResampler.h"
#include "gui/TaskRunner.h"
#include "gui/ViewerDocument.h"

namespace aunet::gui {

namespace {

std::array<uint8_t, 3> colorOf(const ViewerDocument& document, int value) {
  for (const auto& l : document.palette())
    if (l.value == value) return l.color;
  return {255, 255, 255};
}

}  // namespace

SurfaceBuilder::SurfaceBuilder(ViewerDocument* document, TaskRunner* tasks, QObject* parent)
    : QObject(parent), document_(document), tasks_(tasks) {
  scene_.setOpacity(SurfaceScene::kAttentionKey, 0.35f);  // see the labels through where the net looked
  connect(document_, &ViewerDocument::labelsChanged, this, &SurfaceBuilder::onLabelsChanged);
  connect(document_, &ViewerDocument::attentionChanged, this, &SurfaceBuilder::rebuildAttention);
  connect(document_, &ViewerDocument::imageChanged, this, [this] {
    built_.reset();
    scene_.clear();
    attentionIndex_ = -1;
    Q_EMIT sceneChanged();
  });
}

core::Geometry SurfaceBuilder::displayGrid(const core::Geometry& mask) {
  constexpr int64_t kMaxAxis = 256;
  core::Vec3 spacing = mask.spacing;
  bool coarser = false;
  for (int a = 0; a < 3; ++a) {
    const int64_t factor = (mask.size[a] + kMaxAxis - 1) / kMaxAxis;
    if (factor > 1) {
      spacing[a] *= static_cast<double>(factor);
      coarser = true;
    }
  }
  return coarser ? imaging::withSpacing(mask, spacing) : mask;
}

surface::SurfaceOptions SurfaceBuilder::viewerOptions() {
  surface::SurfaceOptions options;
  options.smoothingIterations = 15;
  return options;
}

void SurfaceBuilder::onLabelsChanged() {
  if (document_->sharedLabels() == built_) {
    // Only the palette changed: recolour, no new meshes.
    for (const auto& [key, mesh] : scene_.meshes())
      if (key > 0) scene_.setColor(key, colorOf(*document_, key));
    Q_EMIT sceneChanged();
    return;
  }
  rebuildLabels();
}

void SurfaceBuilder::rebuildLabels() {
  const int generation = ++labelGeneration_;
  building_ = 0;  // jobs of an earlier mask are dropped, never applied
  built_ = document_->sharedLabels();
  const auto labels = built_;
  if (!labels) {
    for (auto it = scene_.meshes().begin(); it != scene_.meshes().end();) {
      const int key = it->first;
      ++it;
      if (key > 0) scene_.remove(key);
    }
    Q_EMIT sceneChanged();
    return;
  }
  auto wanted = [this, generation] { return generation == labelGeneration_; };
  // First the labels present (one pass over the mask), then one job per label.
  tasks_->run(
      {},
      [this, full = labels, wanted, generation]() -> TaskRunner::UiStep {
        // Mesh on the display grid (nearest neighbour: labels are never blended); a
        // label too small to survive the coarser grid is meshed on the full one.
        const core::Geometry grid = displayGrid(full->geometry());
        const auto coarse = grid.sameGrid(full->geometry())
                                ? full
                                : std::make_shared<const core::LabelMap>(imaging::resample(*full, grid));
        std::vector<int64_t> counts(65536, 0), coarseCounts(65536, 0);
        for (uint16_t v : full->labels()) ++counts[v];
        if (coarse != full)
          for (uint16_t v : coarse->labels()) ++coarseCounts[v];
        std::vector<int> present;
        std::vector<std::shared_ptr<const core::LabelMap>> sources;
        for (int v = 1; v < 65536; ++v)
          if (counts[static_cast<size_t>(v)] > 0) {
            present.push_back(v);
            sources.push_back(coarse == full || coarseCounts[static_cast<size_t>(v)] > 0 ? coarse : full);
          }
        return [this, sources, wanted, present, generation] {
          for (auto it = scene_.meshes().begin(); it != scene_.meshes().end();) {
            const int key = it->first;
            ++it;
            if (key > 0 && !std::binary_search(present.begin(), present.end(), key)) scene_.remove(key);
          }
          Q_EMIT sceneChanged();
          for (size_t n = 0; n < present.size(); ++n) {
            const int value = present[n];
            const auto source = sources[n];
            ++building_;
            tasks_->run(
                {},
                [this, source, value, generation]() -> TaskRunner::UiStep {
                  auto mesh = std::make_shared<surface::Mesh>(
                      surface::extractLabelSurface(*source, static_cast<uint16_t>(value), viewerOptions()));
                  return [this, mesh, value, generation] {
                    if (generation == labelGeneration_) --building_;
                    scene_.set(value, SceneMesh::fromMesh(*mesh, colorOf(*document_, value), 1.0f));
                    Q_EMIT sceneChanged();
                  };
                },
                wanted);
          }
        };
      },
      wanted);
}

void SurfaceBuilder::setAttention(int index, float level) {
  if (index == attentionIndex_ && level == attentionLevel_) return;
  attentionIndex_ = index;
  attentionLevel_ = level;
  rebuildAttention();
}

void SurfaceBuilder::rebuildAttention() {
  const int generation = ++attentionGeneration_;
  const auto& maps = document_->attention();
  if (attentionIndex_ < 0 || attentionIndex_ >= static_cast<int>(maps.size())) {
    scene_.remove(SurfaceScene::kAttentionKey);
    Q_EMIT sceneChanged();
    return;
  }
  // The map as a mask (gate coefficient >= level): its surface is the iso-surface,
  // closed where the region meets the grid's edge.
  auto map = std::make_shared<const core::Volume>(maps[static_cast<size_t>(attentionIndex_)]);
  const float level = attentionLevel_;
  tasks_->run(
      {},
      [this, map, chosen = level]() -> TaskRunner::UiStep {
        core::LabelMap above(map->geometry());
        const float* v = map->data();
        uint16_t* out = above.data();
        const int64_t n = map->geometry().voxelCount();
        float level = chosen;
        if (level < 0) {
          const auto [lo, hi] = std::minmax_element(v, v + n);
          level = 0.5f * (*lo + *hi);
        }
        for (int64_t i = 0; i < n; ++i) out[i] = v[i] >= level ? 1 : 0;
        auto mesh = std::make_shared<surface::Mesh>(surface::extractLabelSurface(above, 1, viewerOptions()));
        return [this, mesh] {
          if (mesh->empty())
            scene_.remove(SurfaceScene::kAttentionKey);
          else
            scene_.set(SurfaceScene::kAttentionKey, SceneMesh::fromMesh(*mesh, {255, 140, 0}, 0.35f));
          Q_EMIT sceneChanged();
        };
      },
      [this, generation] { return generation == attentionGeneration_; });
}

}  // namespace aunet::gui
