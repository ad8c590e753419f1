import { EmptyState, PageHeader } from '../components/PageHeader';
import { Icon } from '../components/Icon';

export function PacksPage() {
  return (
    <div className="page">
      <PageHeader title="Packs" subtitle="Bundles of your best work, ready to sell." />
      <EmptyState icon={<Icon name="packs" size={32} />} title="No packs yet">
        Packs you build from approved assets will be listed here with their license and last export.
      </EmptyState>
    </div>
  );
}
