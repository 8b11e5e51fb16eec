package io.modelbridge.gateway.portal;

import java.util.Locale;
import java.util.Optional;

/**
 * Every text the portal shows or mails, in English and Simplified Chinese: one method per text, which gives the
 * English and which the ZH constant overrides with the Chinese (MessagesTest fails on a text it lacks). Texts are
 * plain; the pages escape them ({@link Html#text}). A text with {@code {0}}, {@code {1}} is a template for
 * {@link Html#fill}: the page puts its own markup (a link, a code element) in those places, where each language's
 * word order wants it.
 */
enum Messages {
    EN("en", "en", "English"),

    /** Overrides every text; MessagesTest checks that none is missing. */
    ZH("zh", "zh-CN", "中文") {
        String dashboard() { return "控制台"; }
        String logIn() { return "登录"; }
        String logOut() { return "退出登录"; }
        String signUp() { return "注册"; }
        String language() { return "语言"; }
        String footer() { return "ModelBridge：一个兼容 OpenAI 的接口，接入 GPT、DeepSeek、文心一言、通义千问、讯飞星火和智谱 GLM。"; }

        String homeTitle() { return "首页"; }
        String heroTitle() { return "一个兼容 OpenAI 的接口，调用所有模型"; }
        String heroText() {
            return "把任意 OpenAI 客户端的地址设为 {0}，填入您的 ModelBridge 密钥；只需修改 {1}，即可在不同厂商的模型之间切换。";
        }
        String noModels() { return "暂未配置任何模型：管理员可用 {0} 添加。"; }
        String goToDashboard() { return "进入控制台"; }
        String signUpWithEmail() { return "用邮箱注册"; }
        String logInLink() { return "登录"; }
        String homeSignUp() { return "{0}即可获取 API 密钥；已有账号请直接{1}。"; }
        String homeClosed() { return "注册已关闭；已有账号请{0}。"; }
        String modelsHeading() { return "本网关提供的模型"; }
        String callIt() { return "调用示例"; }
        String sdk(String language, String library) { return language + "（" + library + "）"; }

        String email() { return "邮箱"; }
        String password() { return "密码"; }
        String atLeast(int characters) { return "（至少 " + characters + " 个字符）"; }
        String inviteCode() { return "邀请码"; }
        String haveAccount() { return "已有账号？{0}"; }
        String confirmTitle() { return "验证邮箱"; }
        String codeSent() { return "如果 {0} 可以在此注册，我们已向它发送了六位数验证码。请输入验证码完成注册。"; }
        String code() { return "验证码"; }
        String confirm() { return "确认"; }
        String sendNewCode() { return "重新发送验证码"; }
        String forgotPassword() { return "忘记密码？"; }
        String resetTitle() { return "重置密码"; }
        String mailMeACode() { return "发送验证码到邮箱"; }
        String newPasswordTitle() { return "设置新密码"; }
        String newPassword() { return "新密码"; }
        String setPassword() { return "设置密码"; }
        String resetMailed(String email) { return "如果 " + email + " 已注册账号，我们已向它发送了验证码。"; }

        String registrationClosedTitle() { return "注册已关闭"; }
        String registrationClosed() { return "本网关已关闭注册。如需账号，请联系网关管理员。"; }
        String signUpNeedsMail() { return "本网关暂时无法发送邮件，因此注册功能未开放。"; }
        String welcome() { return "邮箱已验证，欢迎使用！"; }
        String newCodeSent(String email) { return "如果 " + email + " 正在等待验证，新的验证码已经发出。"; }
        String accountDisabled() { return "此账号已被停用，请联系网关管理员。"; }
        String wrongPassword() { return "邮箱或密码不正确。"; }
        String tooManyAttempts(long seconds) { return "尝试次数过多，请 " + seconds + " 秒后再试。"; }
        String invalidEmail() { return "请输入有效的邮箱地址。"; }
        String inviteNeeded() { return "在本网关注册需要邀请码。"; }
        String onlyDomains(String domains) { return "仅限以下域名的邮箱注册：" + domains + "。"; }
        String inviteInvalid() { return "邀请码无效（不存在、已用完或已过期）。"; }
        String mailOff() {
            return "本网关暂时无法发送邮件（管理员尚未设置 MB_SMTP_HOST 和 MB_PUBLIC_URL），因此注册和重置密码功能未开放。如需账号，请联系管理员。";
        }
        String codeExpired() { return "验证码已过期，请重新获取。"; }
        String codeUsed() { return "验证码已被使用，如有需要请重新获取。"; }
        String codeTooManyTries() { return "验证码输错次数过多，请重新获取。"; }
        String codeWrong() { return "验证码不正确，请查看我们最新发送的邮件。"; }
        String passwordTooShort(int characters) { return "密码至少需要 " + characters + " 个字符。"; }
        String passwordTooLong(int characters) { return "密码最多 " + characters + " 个字符。"; }
        String formTooLargeTitle() { return "表单过大"; }
        String formTooLarge(int kib) { return "提交的表单超过了 " + kib + " KiB。"; }
        String formRefusedTitle() { return "表单被拒绝"; }
        String formRefused() { return "此表单不是从本站页面提交的，或页面已过期。请返回并刷新页面后重试。"; }
        String formInvalidTitle() { return "表单无效"; }
        String formControlCharacter(String field) { return "字段 " + field + " 含有控制字符（如 NUL），请删除后重试。"; }

        String signUpAgainSubject() { return "您的 ModelBridge 注册"; }
        String signUpAgainBody(String base) {
            return "有人（希望是您本人）尝试用此邮箱在 " + base + " 注册，但该邮箱已有账号。\n\n登录：" + base + "/login\n"
                    + "忘记密码？" + base + "/reset\n\n如果这不是您本人的操作，请忽略此邮件。";
        }
        String confirmSubject() { return "您的 ModelBridge 注册验证码"; }
        String confirmBody(String code, String link, long minutes) {
            return "您的验证码是 " + code + "\n\n请在 " + minutes + " 分钟内打开 " + link + " 输入验证码。\n\n"
                    + "如果您没有注册，请忽略此邮件。";
        }
        String resetSubject() { return "您的 ModelBridge 密码重置验证码"; }
        String resetBody(String code, String link, long minutes) {
            return "您的验证码是 " + code + "\n\n请在 " + minutes + " 分钟内打开 " + link + "，输入验证码并设置新密码。\n\n"
                    + "如果您没有申请重置密码，请忽略此邮件，您的密码不会改变。";
        }

        String newKeyTitle() { return "您的新 API 密钥"; }
        String copyNow() { return "请立即复制：密钥只显示这一次。"; }
        String quota() { return "额度"; }
        String remaining() { return "剩余额度：{0}"; }
        String usageTitle(int days) { return "用量（最近 " + days + " 天）"; }
        String requestsPerDay() { return "每日请求数"; }
        String tokensPerDay() { return "每日 Token 数"; }
        String requestsUnit() { return "次请求"; }
        String tokensUnit() { return "Token"; }
        String chartLabel(String perDay, int days) { return "最近 " + days + " 天" + perDay; }
        String chartMax(long max, String unit) { return "最高 " + max + " " + unit + "/天"; }
        String chartBar(String day, String model, long value, String unit) {
            return day + " " + model + "：" + value + " " + unit;
        }
        String apiKeys() { return "API 密钥"; }
        String key() { return "密钥"; }
        String label() { return "标签"; }
        String labelExample() { return "笔记本电脑"; }
        String created() { return "创建时间"; }
        String lastUsed() { return "最近使用"; }
        String never() { return "从未使用"; }
        String revokedAt(String when) { return "已于 " + when + " 吊销"; }
        String revoke() { return "吊销"; }
        String rename() { return "重命名"; }
        String createKey() { return "创建密钥"; }
        String model() { return "模型"; }
        String requests() { return "请求数"; }
        String tokens() { return "Token 数"; }
        String time() { return "时间"; }
        String status() { return "状态"; }
        String cost() { return "费用"; }
        String recentRequests() { return "最近请求"; }
        String noRequests() { return "暂无请求。"; }
        String unrouted() { return "（未路由）"; }
    };

    /** The value of the {@code lang} cookie and query parameter. */
    final String code;
    /** The page's {@code <html lang>}. */
    final String htmlLang;
    /** The language's name in itself, for the language switch. */
    final String selfName;

    Messages(String code, String htmlLang, String selfName) {
        this.code = code;
        this.htmlLang = htmlLang;
        this.selfName = selfName;
    }

    /** The language a {@code lang} cookie or {@code ?lang=} names, if it is one of ours. */
    static Optional<Messages> byCode(String code) {
        for (Messages m : values()) {
            if (m.code.equalsIgnoreCase(code.strip())) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    /**
     * The first of our languages in an {@code Accept-Language} header, by its weights: any {@code zh} (zh-CN,
     * zh-Hans, zh-TW...) is Chinese; English when the header is missing, malformed or names neither.
     */
    static Messages accepted(Optional<String> header) {
        try {
            for (Locale.LanguageRange range : Locale.LanguageRange.parse(header.orElse(""))) {
                String primary = range.getRange().split("-", 2)[0];
                if (range.getWeight() > 0 && (primary.equals("zh") || primary.equals("en"))) {
                    return primary.equals("zh") ? ZH : EN;
                }
            }
        } catch (IllegalArgumentException e) {
            // a malformed header: English, as without one
        }
        return EN;
    }

    // The English texts; ZH overrides each.

    String dashboard() { return "Dashboard"; }
    String logIn() { return "Log in"; }
    String logOut() { return "Log out"; }
    String signUp() { return "Sign up"; }
    String language() { return "Language"; }
    String footer() {
        return "ModelBridge: one OpenAI-compatible endpoint for GPT, DeepSeek, ERNIE, Qwen, Spark and GLM.";
    }

    String homeTitle() { return "Home"; }
    String heroTitle() { return "One OpenAI-compatible endpoint for every model"; }
    String heroText() {
        return "Point any OpenAI client at {0} with your ModelBridge key, and switch between vendors by changing"
                + " {1}.";
    }
    String noModels() { return "No models are set up yet: the operator adds them with {0}."; }
    String goToDashboard() { return "Go to your dashboard"; }
    String signUpWithEmail() { return "Sign up with your email"; }
    String logInLink() { return "log in"; }
    String homeSignUp() { return "{0} to get an API key, or {1}."; }
    String homeClosed() { return "Registration is closed; {0} if you have an account."; }
    String modelsHeading() { return "Models on this gateway"; }
    String callIt() { return "Call it"; }
    String sdk(String language, String library) { return language + " (" + library + ")"; }

    String email() { return "Email"; }
    String password() { return "Password"; }
    String atLeast(int characters) { return "(at least " + characters + " characters)"; }
    String inviteCode() { return "Invite code"; }
    String haveAccount() { return "Have an account? {0}."; }
    String confirmTitle() { return "Confirm your email"; }
    String codeSent() { return "We sent a six-digit code to {0} if it can sign up here. Enter it to finish."; }
    String code() { return "Code"; }
    String confirm() { return "Confirm"; }
    String sendNewCode() { return "Send a new code"; }
    String forgotPassword() { return "Forgot your password?"; }
    String resetTitle() { return "Reset your password"; }
    String mailMeACode() { return "Mail me a code"; }
    String newPasswordTitle() { return "Choose a new password"; }
    String newPassword() { return "New password"; }
    String setPassword() { return "Set password"; }
    String resetMailed(String email) { return "If an account exists for " + email + ", we mailed it a code."; }

    String registrationClosedTitle() { return "Registration is closed"; }
    String registrationClosed() {
        return "Registration is closed on this gateway. Ask its operator for an account.";
    }
    String signUpNeedsMail() { return "This gateway cannot send mail yet, so sign-up is off."; }
    String welcome() { return "Your address is confirmed. Welcome!"; }
    String newCodeSent(String email) {
        return "If " + email + " is waiting for confirmation, a new code is on its way.";
    }
    String accountDisabled() { return "This account is disabled. Ask the gateway's operator."; }
    String wrongPassword() { return "The email or password is not right."; }
    String tooManyAttempts(long seconds) { return "Too many attempts. Try again in " + seconds + " seconds."; }
    String invalidEmail() { return "Enter a valid email address."; }
    String inviteNeeded() { return "Registration here needs an invite code."; }
    String onlyDomains(String domains) { return "Sign-up is open to addresses at " + domains + " only."; }
    String inviteInvalid() { return "That invite code is not valid (unknown, used up or expired)."; }
    String mailOff() {
        return "This gateway cannot send mail yet (its operator has not set MB_SMTP_HOST and"
                + " MB_PUBLIC_URL), so sign-up and"
                + " password reset are off. Ask the operator for an account.";
    }
    String codeExpired() { return "That code has expired. Ask for a new one."; }
    String codeUsed() { return "That code was already used. Ask for a new one if you need to."; }
    String codeTooManyTries() { return "Too many wrong tries for that code. Ask for a new one."; }
    String codeWrong() { return "That code is not right. Check the latest mail we sent."; }
    String passwordTooShort(int characters) {
        return "Choose a password of at least " + characters + " characters.";
    }
    String passwordTooLong(int characters) { return "Choose a password of at most " + characters + " characters."; }
    String formTooLargeTitle() { return "Form too large"; }
    String formTooLarge(int kib) { return "That form was larger than " + kib + " KiB."; }
    String formRefusedTitle() { return "Form refused"; }
    String formInvalidTitle() { return "Form not accepted"; }
    String formControlCharacter(String field) {
        return "The field " + field + " holds a control character (such as NUL). Remove it and try again.";
    }
    String formRefused() {
        return "This form was not sent from this site's own page, or the page is too old. Go back, reload it and"
                + " try again.";
    }

    String signUpAgainSubject() { return "Your ModelBridge sign-up"; }
    String signUpAgainBody(String base) {
        return "Someone, hopefully you, tried to sign up at " + base + " with this address, which already has an"
                + " account.\n\nSign in: " + base + "/login\nForgot the password? " + base + "/reset\n\n"
                + "If it was not you, ignore this mail.";
    }
    String confirmSubject() { return "Your ModelBridge sign-up code"; }
    String confirmBody(String code, String link, long minutes) {
        return "Your code is " + code + "\n\nEnter it at " + link + " within " + minutes + " minutes.\n\n"
                + "If you did not sign up, ignore this mail.";
    }
    String resetSubject() { return "Your ModelBridge password reset code"; }
    String resetBody(String code, String link, long minutes) {
        return "Your code is " + code + "\n\nEnter it with your new password at " + link + " within " + minutes
                + " minutes.\n\nIf you did not ask for a reset, ignore this mail: your password is unchanged.";
    }

    String newKeyTitle() { return "Your new API key"; }
    String copyNow() { return "Copy it now: it is shown only this once."; }
    String quota() { return "Quota"; }
    String remaining() { return "Remaining: {0} credits"; }
    String usageTitle(int days) { return "Usage, last " + days + " days"; }
    String requestsPerDay() { return "Requests per day"; }
    String tokensPerDay() { return "Tokens per day"; }
    String requestsUnit() { return "requests"; }
    String tokensUnit() { return "tokens"; }
    String chartLabel(String perDay, int days) {
        return perDay.toLowerCase(Locale.ROOT) + ", last " + days + " days";
    }
    String chartMax(long max, String unit) { return "max " + max + " " + unit + "/day"; }
    String chartBar(String day, String model, long value, String unit) {
        return day + " " + model + ": " + value + " " + unit;
    }
    String apiKeys() { return "API keys"; }
    String key() { return "Key"; }
    String label() { return "Label"; }
    String labelExample() { return "laptop"; }
    String created() { return "Created"; }
    String lastUsed() { return "Last used"; }
    String never() { return "never"; }
    String revokedAt(String when) { return "revoked " + when; }
    String revoke() { return "Revoke"; }
    String rename() { return "Rename"; }
    String createKey() { return "Create a key"; }
    String model() { return "Model"; }
    String requests() { return "Requests"; }
    String tokens() { return "Tokens"; }
    String time() { return "Time"; }
    String status() { return "Status"; }
    String cost() { return "Cost"; }
    String recentRequests() { return "Recent requests"; }
    String noRequests() { return "No requests yet."; }
    String unrouted() { return "(unrouted)"; }
}
