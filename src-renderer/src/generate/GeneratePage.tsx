/**
 * The Generate page: the order form (left) and the current and recent orders (right).
 *
 * Test hooks (data-testid), stable for e2e:
 *   page            generate-page
 *   form            gen-form · gen-templates → gen-templates-menu (gen-templates-empty,
 *                   gen-template (data-template-id) → gen-template-apply · gen-template-delete)
 *                   gen-model · gen-model-search · gen-scan · gen-models-empty
 *                   gen-loras · gen-lora-add · gen-lora-add-search · gen-lora-row (data-lora=ref)
 *                   gen-lora-weight · gen-lora-remove · gen-trigger-chip
 *                   gen-prompt · gen-prompt-tokens · gen-negative · gen-negative-tokens
 *                   gen-size-preset (data-size="WxH") · gen-width · gen-height · gen-size-swap
 *                   gen-steps · gen-cfg · gen-sampler · gen-scheduler · gen-clip-skip
 *                   gen-seed · gen-seed-mode · gen-seed-dice · gen-count
 *                   gen-engine · gen-engines-refresh · gen-engine-problems
 *                   gen-init · gen-init-choose · gen-init-chooser · gen-init-thumb
 *                   gen-init-strength · gen-init-remove · gen-prefill-notes
 *   expansion       gen-preview (aria-busy while its answer is older than the text)
 *                   gen-preview-count · gen-preview-batch (data-batch) · gen-preview-prompt
 *                   gen-preview-error · gen-preview-warning · gen-preview-failure
 *                   gen-presets-toggle · gen-presets-chip · gen-presets-tip · gen-presets-none
 *   submit          gen-destination (gen-destination-library · gen-destination-workspace)
 *                   gen-project → gen-project-defaults (gen-project-defaults-text,
 *                   gen-project-defaults-undo)
 *                   gen-generate → gen-confirm (gen-confirm-summary, gen-confirm-blocked,
 *                   gen-queue, gen-back) · gen-blocked (why Generate is off: the expansion)
 *                   gen-error (the server's refusal) · gen-invalid (fields still to fix)
 *   orders          gen-orders · orders-show-older
 *                   order-card (data-order-id, data-status) · order-status · order-counts
 *                   order-cancel · order-retry · order-reuse · order-show-more
 *                   order-save-template → save-template-dialog (save-template-name,
 *                   save-template-confirm, save-template-error) · order-open-workspace
 *                   order-warnings · order-tags (order-tags-input, order-tags-chip
 *                   (data-tag), order-tags-remove); a card opened from a project: .focused
 *                   order-item (data-status, data-seq, data-item-id) · order-item-open
 *                   order-item-preview · order-item-error · order-item-warning
 *                   order-item-open-workspace (a workspace order's image)
 * Every field also has a <label> (or aria-label) to find it by role and name.
 */
import { useEffect } from 'react';
import { PageHeader } from '../components/PageHeader';
import { GenerateForm } from './GenerateForm';
import { useGenerate } from './generateStore';
import { OrderList } from './OrderList';
import { watchOrders } from './ordersStore';
import { usePreview } from './previewStore';
import './generate.css';

export function GeneratePage() {
  useEffect(() => {
    const g = useGenerate.getState();
    void g.loadOptions();
    void g.loadModels();
    // The presets or lookups may have changed on another page: the preview asks again.
    usePreview.getState().refresh();
    return watchOrders();
  }, []);
  return (
    <div className="page gen-page" data-testid="generate-page">
      <PageHeader
        title="Generate"
        subtitle="Images from your own models on the engines you have. Each order runs in the queue; its images land in the Library, or wait in the Workspace."
      />
      <div className="gen-layout">
        <div className="gen-col-form">
          <GenerateForm />
        </div>
        <div className="gen-col-orders">
          <OrderList />
        </div>
      </div>
    </div>
  );
}
