import { EmptyState, PageHeader } from '../components/PageHeader';
import { Icon } from '../components/Icon';
import { useStatus } from '../stores/status';

export function LibraryPage() {
  const status = useStatus((s) => s.status);
  const count = status?.assetCount ?? 0;
  return (
    <div className="page">
      <PageHeader
        title="Library"
        subtitle={status ? `${count.toLocaleString()} ${count === 1 ? 'asset' : 'assets'}` : 'Loading…'}
      />
      {status && count === 0 && (
        <EmptyState icon={<Icon name="image" size={32} />} title="Your library is empty">
          Add a watch folder in Settings and drop images, audio or video into it.
        </EmptyState>
      )}
    </div>
  );
}
