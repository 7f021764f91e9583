/** "导出 Word" and "打印版" for a story (anyone who may read it may export it). */
export function ExportLinks({ articleId }: { articleId: string }) {
  return (
    <span className="export-links">
      <a href={`/api/articles/${articleId}/export?format=docx`} download data-testid="export-docx">
        导出 Word
      </a>
      <a href={`/api/articles/${articleId}/export?format=html`} target="_blank" rel="noopener" data-testid="export-print">
        打印版
      </a>
    </span>
  );
}
