/** A photo stored by `POST /api/media`. */
export interface UploadedPhoto {
  url: string;
  width: number;
  height: number;
}

/** The types we take (the server checks the bytes again; this only saves a pointless upload). */
export const PHOTO_TYPES = ["image/jpeg", "image/png", "image/webp", "image/gif"];

export function isPhotoFile(file: File): boolean {
  return PHOTO_TYPES.includes(file.type);
}

/** Uploads one photo; a refusal comes back as the server's message (in Chinese). */
export async function uploadPhoto(file: File): Promise<UploadedPhoto | { error: string }> {
  const form = new FormData();
  form.append("file", file);
  let response: Response;
  try {
    response = await fetch("/api/media", { method: "POST", body: form });
  } catch {
    return { error: "图片上传失败：网络连接中断，请稍后重试" };
  }
  const body = (await response.json().catch(() => null)) as (UploadedPhoto & { error?: { message?: string } }) | null;
  if (!response.ok || !body) return { error: `图片上传失败：${body?.error?.message ?? `服务器返回 ${response.status}`}` };
  return { url: body.url, width: body.width, height: body.height };
}
