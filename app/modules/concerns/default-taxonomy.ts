/**
 * The default concern taxonomy of a norm consultation, with labels and keyword hints in the six
 * languages. A round starts with a copy; moderators add, rename, merge and split from there.
 */
export type TaxonomyEntry = {
  key: string
  labels: Record<string, string>
  keywords: Record<string, string[]>
}

export const DEFAULT_TAXONOMY: TaxonomyEntry[] = [
  {
    key: 'privacy',
    labels: {
      en: 'Privacy and data protection',
      fr: 'Vie privée et protection des données',
      es: 'Privacidad y protección de datos',
      ru: 'Неприкосновенность частной жизни и защита данных',
      ar: 'الخصوصية وحماية البيانات',
      zh: '隐私与数据保护',
    },
    keywords: {
      en: ['privacy', 'personal data', 'data protection', 'surveillance', 'encryption', 'metadata', 'consent'],
      fr: ['vie privée', 'données personnelles', 'protection des données', 'surveillance', 'chiffrement'],
      es: ['privacidad', 'datos personales', 'protección de datos', 'vigilancia', 'cifrado'],
      ru: ['частной жизни', 'персональных данных', 'защита данных', 'слежк', 'шифровани'],
      ar: ['الخصوصية', 'البيانات الشخصية', 'حماية البيانات', 'المراقبة', 'التشفير'],
      zh: ['隐私', '个人数据', '数据保护', '监控', '加密'],
    },
  },
  {
    key: 'human_rights',
    labels: {
      en: 'Human rights',
      fr: 'Droits humains',
      es: 'Derechos humanos',
      ru: 'Права человека',
      ar: 'حقوق الإنسان',
      zh: '人权',
    },
    keywords: {
      en: ['human rights', 'freedom of expression', 'civil society', 'journalists', 'censorship', 'shutdown'],
      fr: ['droits humains', "droits de l'homme", "liberté d'expression", 'société civile', 'censure'],
      es: ['derechos humanos', 'libertad de expresión', 'sociedad civil', 'periodistas', 'censura'],
      ru: ['прав человека', 'права человека', 'свободы выражения', 'гражданского общества', 'цензур'],
      ar: ['حقوق الإنسان', 'حرية التعبير', 'المجتمع المدني', 'الصحفيين', 'الرقابة'],
      zh: ['人权', '言论自由', '公民社会', '记者', '审查'],
    },
  },
  {
    key: 'economic_impact',
    labels: {
      en: 'Economic impact',
      fr: 'Impact économique',
      es: 'Impacto económico',
      ru: 'Экономические последствия',
      ar: 'الأثر الاقتصادي',
      zh: '经济影响',
    },
    keywords: {
      en: ['cost', 'costs', 'economic', 'small businesses', 'liability', 'compliance burden', 'market'],
      fr: ['coût', 'coûts', 'économique', 'petites entreprises', 'responsabilité', 'marché'],
      es: ['costo', 'costos', 'coste', 'económico', 'pequeñas empresas', 'mercado'],
      ru: ['затрат', 'стоимост', 'экономическ', 'малого бизнеса', 'рынк'],
      ar: ['التكلفة', 'التكاليف', 'الاقتصادي', 'الشركات الصغيرة', 'السوق'],
      zh: ['成本', '经济', '中小企业', '负担', '市场'],
    },
  },
  {
    key: 'security_stability',
    labels: {
      en: 'Security and stability',
      fr: 'Sécurité et stabilité',
      es: 'Seguridad y estabilidad',
      ru: 'Безопасность и стабильность',
      ar: 'الأمن والاستقرار',
      zh: '安全与稳定',
    },
    keywords: {
      en: ['security', 'stability', 'critical infrastructure', 'attack', 'escalation', 'incident', 'resilience'],
      fr: ['sécurité', 'stabilité', 'infrastructures critiques', 'attaque', 'escalade', 'incident'],
      es: ['seguridad', 'estabilidad', 'infraestructura crítica', 'ataque', 'escalada', 'incidente'],
      ru: ['безопасност', 'стабильност', 'критической инфраструктуры', 'атак', 'эскалаци', 'инцидент'],
      ar: ['الأمن', 'الاستقرار', 'البنية التحتية الحيوية', 'هجوم', 'التصعيد', 'حادث'],
      zh: ['安全', '稳定', '关键基础设施', '攻击', '升级', '事件'],
    },
  },
  {
    key: 'sovereignty_jurisdiction',
    labels: {
      en: 'Sovereignty and jurisdiction',
      fr: 'Souveraineté et compétence',
      es: 'Soberanía y jurisdicción',
      ru: 'Суверенитет и юрисдикция',
      ar: 'السيادة والولاية القضائية',
      zh: '主权与管辖',
    },
    keywords: {
      en: ['sovereignty', 'jurisdiction', 'national law', 'territory', 'non-interference', 'domestic'],
      fr: ['souveraineté', 'compétence', 'droit national', 'territoire', 'non-ingérence'],
      es: ['soberanía', 'jurisdicción', 'legislación nacional', 'territorio', 'no injerencia'],
      ru: ['суверенитет', 'юрисдикци', 'национального законодательства', 'территори', 'невмешательств'],
      ar: ['السيادة', 'الولاية القضائية', 'القانون الوطني', 'الإقليم', 'عدم التدخل'],
      zh: ['主权', '管辖', '国内法', '领土', '不干涉'],
    },
  },
  {
    key: 'capacity_building',
    labels: {
      en: 'Capacity building',
      fr: 'Renforcement des capacités',
      es: 'Creación de capacidad',
      ru: 'Наращивание потенциала',
      ar: 'بناء القدرات',
      zh: '能力建设',
    },
    keywords: {
      en: ['capacity building', 'training', 'developing countries', 'technical assistance', 'funding', 'skills'],
      fr: ['renforcement des capacités', 'formation', 'pays en développement', 'assistance technique', 'financement'],
      es: ['creación de capacidad', 'fortalecimiento de capacidades', 'formación', 'países en desarrollo', 'asistencia técnica'],
      ru: ['наращивание потенциала', 'обучени', 'развивающихся стран', 'техническ', 'финансировани'],
      ar: ['بناء القدرات', 'التدريب', 'البلدان النامية', 'المساعدة التقنية', 'التمويل'],
      zh: ['能力建设', '培训', '发展中国家', '技术援助', '资金'],
    },
  },
  {
    key: 'accountability_attribution',
    labels: {
      en: 'Accountability and attribution',
      fr: 'Responsabilité et attribution',
      es: 'Rendición de cuentas y atribución',
      ru: 'Ответственность и атрибуция',
      ar: 'المساءلة والإسناد',
      zh: '问责与归因',
    },
    keywords: {
      en: ['attribution', 'accountability', 'evidence', 'responsible state', 'proxies', 'impunity'],
      fr: ['attribution', 'responsabilité', 'preuves', 'impunité', 'mandataires'],
      es: ['atribución', 'rendición de cuentas', 'pruebas', 'impunidad', 'intermediarios'],
      ru: ['атрибуци', 'ответственност', 'доказательств', 'безнаказанност', 'посредник'],
      ar: ['الإسناد', 'المساءلة', 'الأدلة', 'الإفلات من العقاب', 'الوكلاء'],
      zh: ['归因', '问责', '证据', '有罪不罚', '代理'],
    },
  },
  {
    key: 'transparency_verification',
    labels: {
      en: 'Transparency and verification',
      fr: 'Transparence et vérification',
      es: 'Transparencia y verificación',
      ru: 'Прозрачность и проверка',
      ar: 'الشفافية والتحقق',
      zh: '透明与核查',
    },
    keywords: {
      en: ['transparency', 'verification', 'reporting', 'oversight', 'audit', 'public report'],
      fr: ['transparence', 'vérification', 'rapport', 'contrôle', 'audit'],
      es: ['transparencia', 'verificación', 'informe', 'supervisión', 'auditoría'],
      ru: ['прозрачност', 'проверк', 'отчет', 'отчёт', 'надзор', 'аудит'],
      ar: ['الشفافية', 'التحقق', 'الإبلاغ', 'الرقابة', 'التدقيق'],
      zh: ['透明', '核查', '报告', '监督', '审计'],
    },
  },
  {
    key: 'feasibility',
    labels: {
      en: 'Feasibility',
      fr: 'Faisabilité',
      es: 'Viabilidad',
      ru: 'Осуществимость',
      ar: 'الجدوى',
      zh: '可行性',
    },
    keywords: {
      en: ['feasible', 'feasibility', 'unrealistic', 'deadline', '72 hours', 'impractical', 'implementation'],
      fr: ['faisable', 'faisabilité', 'irréaliste', 'délai', 'mise en œuvre'],
      es: ['viable', 'viabilidad', 'poco realista', 'plazo', 'aplicación'],
      ru: ['осуществим', 'нереалистич', 'срок', 'выполним', 'реализаци'],
      ar: ['الجدوى', 'غير واقعي', 'المهلة', 'التنفيذ', 'قابل للتطبيق'],
      zh: ['可行', '不现实', '期限', '实施', '落实'],
    },
  },
  {
    key: 'other',
    labels: { en: 'Other', fr: 'Autre', es: 'Otro', ru: 'Другое', ar: 'أخرى', zh: '其他' },
    keywords: {},
  },
]
