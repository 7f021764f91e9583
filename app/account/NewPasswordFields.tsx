/** The new password, typed twice: the same two fields on the password page and behind a reset link. */
export function NewPasswordFields() {
  return (
    <>
      <label>
        新密码（至少 10 个字符）
        <input name="next" type="password" autoComplete="new-password" required />
      </label>
      <label>
        再次输入新密码
        <input name="confirm" type="password" autoComplete="new-password" required />
      </label>
    </>
  );
}
