/**
 * The Generate page: the order form (left) and the current and recent orders (right).
 *
 * Test hooks (data-testid), stable for e2e:
 *   page            generate-page
 *   form            gen-form · gen-model · gen-model-search · gen-scan · gen-models-empty
 *                   gen-loras · gen-lora-add · gen-lora-add-search · gen-lora-row (data-lora=ref)
 *                   gen-lora-weight · gen-lora-remove · gen-trigger-chip
 *                   gen-prompt · gen-prompt-tokens · gen-negative · gen-negative-tokens
 *                   gen-size-preset (data-size="WxH") · gen-width · gen-height · gen-size-swap
 *                   gen-steps · gen-cfg · gen-sampler · gen-scheduler · gen-clip-skip
 *                   gen-seed · gen-seed-mode · gen-seed-dice · gen-count
 *                   gen-engine · gen-engines-refresh · gen-engine-problems
 *                   gen-init · gen-init-choose · gen-init-chooser · gen-init-thumb
 *                   gen-init-strength · gen-init-remove · gen-prefill-notes
 *   submit          gen-generate → gen-confirm (gen-confirm-summary, gen-queue, gen-back)
 *                   gen-error (the server's refusal) · gen-invalid (fields still to fix)
 *   orders          gen-orders · orders-show-older
 *                   order-card (data-order-id, data-status) · order-status · order-counts
 *                   order-cancel · order-retry · order-reuse · order-show-more
 *                   order-item (data-status, data-seq, data-item-id) · order-item-open
 *                   order-item-preview · order-item-error · order-item-warning
 * Every field also has a <label> (or aria-label) to find it by role and name.
 */
import { useEffect } from 'react';
import { PageHeader } from '../components/PageHeader';
import { GenerateForm } from './GenerateForm';
import { useGenerate } from './generateStore';
import { OrderList } from './OrderList';
import { watchOrders } from './ordersStore';
import './generate.css';

export function GeneratePage() {
  useEffect(() => {
    const g = useGenerate.getState();
    void g.loadOptions();
    void g.loadModels();
    return watchOrders();
  }, []);
  return (
    <div className="page gen-page" data-testid="generate-page">
      <PageHeader
        title="Generate"
        subtitle="Images from your own models on the engines you have. Each order runs in the queue; its images land in the Library."
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
